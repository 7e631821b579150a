import type { Random } from './random.js';

export interface Vpc {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly isDefault: boolean;
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  /** AZ names map to ids differently in each account; ids (`use1-az1`) are the same everywhere. */
  readonly availabilityZoneId: string;
  readonly cidrBlock: string;
}

export interface NetworkInterface {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly privateIpAddress: string;
  readonly macAddress: string;
  readonly description: string;
  /** `interface` for task ENIs; `trunk`/`branch` are never mirror sources. */
  readonly interfaceType: 'interface' | 'trunk' | 'branch';
  readonly requesterManaged: boolean;
  /** False when the ENI sits on a host that cannot mirror (NetworkInterfaceNotSupported). */
  readonly mirroringSupported: boolean;
  /** Epoch ms before which EC2 answers InvalidNetworkInterfaceID.NotFound (eventual consistency). */
  visibleAt: number;
  status: 'available' | 'in-use';
  tags: Record<string, string>;
}

export interface CreateEniInput {
  readonly subnetId: string;
  readonly description?: string;
  readonly interfaceType?: NetworkInterface['interfaceType'];
  readonly requesterManaged?: boolean;
  readonly mirroringSupported?: boolean;
  readonly visibleAt?: number;
}

type EniListener = (eni: NetworkInterface) => void;

/**
 * The VPC, subnets and ENIs that EC2 and ECS share. ECS creates an ENI for each awsvpc task and
 * deletes it when the task deprovisions; EC2 sees it (mirror sources) and drops the ENI's
 * mirror sessions when it is deleted, as AWS does.
 */
export class NetworkRegistry {
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly enis = new Map<string, NetworkInterface>();
  private readonly deletedListeners: EniListener[] = [];
  private hostCounter = 10;

  constructor(
    private readonly random: Random,
    readonly region: string,
  ) {
    const vpcId = `vpc-${random.hex(17)}`;
    this.vpcs.set(vpcId, { vpcId, cidrBlock: '172.31.0.0/16', isDefault: true });
    ['a', 'b', 'c'].forEach((suffix, index) => {
      const subnetId = `subnet-${random.hex(17)}`;
      this.subnets.set(subnetId, {
        subnetId,
        vpcId,
        availabilityZone: `${region}${suffix}`,
        availabilityZoneId: `${zoneIdPrefix(region)}-az${index + 1}`,
        cidrBlock: `172.31.${index * 16}.0/20`,
      });
    });
  }

  get defaultVpc(): Vpc {
    const vpc = [...this.vpcs.values()].find((v) => v.isDefault);
    if (!vpc) throw new Error('emulator has no default VPC');
    return vpc;
  }

  createEni(input: CreateEniInput): NetworkInterface {
    const subnet = this.subnets.get(input.subnetId);
    if (!subnet) throw new Error(`unknown subnet ${input.subnetId}`);
    const host = this.hostCounter++;
    const thirdOctet = Number(subnet.cidrBlock.split('.')[2]) + Math.floor(host / 250);
    const eni: NetworkInterface = {
      networkInterfaceId: `eni-${this.random.hex(17)}`,
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      privateIpAddress: `172.31.${thirdOctet}.${(host % 250) + 4}`,
      macAddress: `0a:${this.random.hex(10).match(/../g)?.join(':') ?? '00:00:00:00:00'}`,
      description: input.description ?? '',
      interfaceType: input.interfaceType ?? 'interface',
      requesterManaged: input.requesterManaged ?? false,
      mirroringSupported: input.mirroringSupported ?? true,
      visibleAt: input.visibleAt ?? 0,
      status: 'in-use',
      tags: {},
    };
    this.enis.set(eni.networkInterfaceId, eni);
    return eni;
  }

  /** The ENI as EC2 sees it at `now`: undefined while it is still invisible (or after deletion). */
  visibleEni(networkInterfaceId: string, now: number): NetworkInterface | undefined {
    const eni = this.enis.get(networkInterfaceId);
    return eni && eni.visibleAt <= now ? eni : undefined;
  }

  deleteEni(networkInterfaceId: string): void {
    const eni = this.enis.get(networkInterfaceId);
    if (!eni) return;
    this.enis.delete(networkInterfaceId);
    for (const listener of this.deletedListeners) listener(eni);
  }

  /** EC2 registers here to delete an ENI's mirror sessions with it. */
  onEniDeleted(listener: EniListener): void {
    this.deletedListeners.push(listener);
  }
}

const DIRECTIONS: Readonly<Record<string, string>> = {
  north: 'n', south: 's', east: 'e', west: 'w', central: 'c',
  northeast: 'ne', northwest: 'nw', southeast: 'se', southwest: 'sw',
};

/**
 * AWS's AZ ids start with a short form of the Region (`use1-az1` in us-east-1, `apse1-az2` in
 * ap-southeast-1: EC2 User Guide, "AZ IDs"); which name maps to which id differs per account, and
 * here `a` is simply az1 (*inferred*: any fixed mapping is one an account could have).
 */
export function zoneIdPrefix(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  return `${area}${DIRECTIONS[direction] ?? direction.slice(0, 1)}${number}`;
}
