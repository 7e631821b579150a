import { EMULATOR_ACCOUNT_ID } from './context.js';
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

/** One Availability Zone as this account sees it: its name here, and its id everywhere. */
export interface AvailabilityZone {
  readonly zoneName: string;
  readonly zoneId: string;
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
  /** This account's zones in name order, each with its id (DescribeAvailabilityZones). */
  readonly zones: readonly AvailabilityZone[];
  private hostCounter = 10;

  constructor(
    private readonly random: Random,
    readonly region: string,
    accountId: string = EMULATOR_ACCOUNT_ID,
  ) {
    this.zones = availabilityZonesOf(accountId, region);
    const vpcId = `vpc-${random.hex(17)}`;
    this.vpcs.set(vpcId, { vpcId, cidrBlock: '172.31.0.0/16', isDefault: true });
    this.zones.forEach((zone, index) => {
      const subnetId = `subnet-${random.hex(17)}`;
      this.subnets.set(subnetId, {
        subnetId,
        vpcId,
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
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
 * ap-southeast-1: EC2 User Guide, "AZ IDs").
 */
export function zoneIdPrefix(region: string): string {
  const [area = '', direction = '', number = ''] = region.split('-');
  return `${area}${DIRECTIONS[direction] ?? direction.slice(0, 1)}${number}`;
}

/**
 * Regions whose AZ names are mapped to zones independently in each account: "All Regions
 * introduced after November 2012 use a uniform mapping" (AWS Regions and Availability Zones, "AZ
 * IDs"). Which Regions are older is read from their launch dates (*inferred*: the page's own list
 * was not found). Accounts created since November 2025 get the uniform mapping everywhere ("AWS
 * Availability Zones"); the emulator's accounts behave as older ones, the case that can go wrong.
 */
const INDEPENDENTLY_MAPPED_REGIONS: ReadonlySet<string> = new Set([
  'us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1', 'us-gov-west-1',
]);

/** Every order of three zones: an account's mapping is one of them. */
const ZONE_ORDERS: readonly (readonly [number, number, number])[] = [
  [1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 3, 2], [2, 1, 3], [3, 2, 1],
];

/**
 * The account's zones `a`, `b`, `c` and their ids. "the us-east-1a for your AWS account might not
 * be the same physical location as the us-east-1a for another AWS account", while an AZ id "has
 * the same physical location in every AWS account" (AWS Regions and Availability Zones, "AZ IDs"):
 * so each account gets its own order, drawn from its account id (not the seeded stream, so that
 * no other id shifts), and the emulator's default account keeps `a` = az1 as it always had.
 */
export function availabilityZonesOf(accountId: string, region: string): AvailabilityZone[] {
  const independent = accountId !== EMULATOR_ACCOUNT_ID && INDEPENDENTLY_MAPPED_REGIONS.has(region);
  const order = independent ? (ZONE_ORDERS[fnv1a(accountId) % ZONE_ORDERS.length] ?? [1, 2, 3]) : [1, 2, 3];
  return ['a', 'b', 'c'].map((suffix, index) => ({ zoneName: `${region}${suffix}`, zoneId: `${zoneIdPrefix(region)}-az${order[index] ?? index + 1}` }));
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
