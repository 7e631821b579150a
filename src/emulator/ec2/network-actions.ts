import { ApiError, type EmulatorContext } from '../context.js';
import type { AvailabilityZone, NetworkInterface, Subnet, Vpc } from '../network.js';
import { eniNotFound } from './errors.js';
import { checkEniIdFormat } from './validate.js';
import { compileFilters, type FilterSpec } from './filters.js';
import { tagViews, type TagView } from './model.js';
import { paginate, type Page } from './paging.js';
import type { DescribeInput } from './inputs.js';

/** DescribeNetworkInterfaces / DescribeVpcs / DescribeSubnets / DescribeAvailabilityZones over the shared NetworkRegistry. */

export type NetworkInterfaceView = {
  readonly networkInterfaceId: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly description: string;
  readonly ownerId: string;
  readonly requesterManaged: boolean;
  readonly status: string;
  readonly macAddress: string;
  readonly privateIpAddress: string;
  readonly privateIpAddressesSet: readonly { readonly privateIpAddress: string; readonly primary: boolean }[];
  readonly sourceDestCheck: boolean;
  readonly interfaceType: string;
  readonly attachment?: {
    readonly attachmentId: string;
    readonly attachTime: string;
    readonly deleteOnTermination: boolean;
    readonly deviceIndex: number;
    readonly networkCardIndex: number;
    readonly instanceId: string;
    readonly instanceOwnerId: string;
    readonly status: 'attached';
  };
  readonly groupSet: readonly never[];
  readonly ipv6AddressesSet: readonly never[];
  readonly tagSet: readonly TagView[];
};

export type VpcView = {
  readonly vpcId: string;
  readonly ownerId: string;
  readonly state: 'available';
  readonly cidrBlock: string;
  readonly cidrBlockAssociationSet: readonly {
    readonly associationId: string;
    readonly cidrBlock: string;
    readonly cidrBlockState: { readonly state: 'associated' };
  }[];
  readonly instanceTenancy: 'default';
  readonly isDefault: boolean;
  readonly tagSet: readonly TagView[];
};

export type SubnetView = {
  readonly subnetId: string;
  readonly subnetArn: string;
  readonly vpcId: string;
  readonly ownerId: string;
  readonly state: 'available';
  readonly cidrBlock: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly availableIpAddressCount: number;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly tagSet: readonly TagView[];
};

/** EC2 model, AvailabilityZone (the members an Availability Zone has; Local and Wavelength Zones are not emulated). */
export type AvailabilityZoneView = {
  readonly zoneName: string;
  readonly zoneId: string;
  readonly zoneType: 'availability-zone';
  /** State's location name in the EC2 model is `zoneState`, unlike other resources' `state`. */
  readonly zoneState: 'available';
  readonly regionName: string;
  readonly groupName: string;
  readonly networkBorderGroup: string;
  /** "For Availability Zones, this parameter always has the value of opt-in-not-required" (EC2 model). */
  readonly optInStatus: 'opt-in-not-required';
  readonly messageSet: readonly never[];
};

// Filter names as the EC2 model documents them for DescribeNetworkInterfaces / DescribeVpcs /
// DescribeSubnets (a subset; others are answered InvalidParameterValue, inferred).
const eniFilters = (ctx: EmulatorContext): FilterSpec<NetworkInterface> => ({
  fields: {
    'attachment.instance-id': (e) => ctx.instances.attachmentOf(e.networkInterfaceId)?.instance.instanceId,
    'attachment.device-index': (e) => ctx.instances.attachmentOf(e.networkInterfaceId)?.attachment.deviceIndex,
    'attachment.attachment-id': (e) => ctx.instances.attachmentOf(e.networkInterfaceId)?.attachment.attachmentId,
    'network-interface-id': (e) => e.networkInterfaceId,
    'subnet-id': (e) => e.subnetId,
    'vpc-id': (e) => e.vpcId,
    'availability-zone': (e) => e.availabilityZone,
    'availability-zone-id': (e) => e.availabilityZoneId,
    'interface-type': (e) => e.interfaceType,
    status: (e) => e.status,
    description: (e) => e.description,
    'requester-managed': (e) => e.requesterManaged,
    'private-ip-address': (e) => e.privateIpAddress,
    'mac-address': (e) => e.macAddress,
  },
  tags: (e) => new Map(Object.entries(e.tags)),
});

const VPC_FILTERS: FilterSpec<Vpc> = {
  fields: {
    'vpc-id': (v) => v.vpcId,
    'is-default': (v) => v.isDefault,
    // inferred: `cidr-block` is not documented for DescribeVpcs (`cidr` and
    // `cidr-block-association.cidr-block` are); kept for older scripts.
    'cidr-block': (v) => v.cidrBlock,
    cidr: (v) => v.cidrBlock,
    'cidr-block-association.cidr-block': (v) => v.cidrBlock,
    state: () => 'available',
  },
};

const SUBNET_FILTERS: FilterSpec<Subnet> = {
  fields: {
    'subnet-id': (s) => s.subnetId,
    'vpc-id': (s) => s.vpcId,
    'availability-zone': (s) => s.availabilityZone,
    'availability-zone-id': (s) => s.availabilityZoneId,
    'cidr-block': (s) => s.cidrBlock,
    'default-for-az': () => true,
    state: () => 'available',
  },
};

// EC2 model, DescribeAvailabilityZones.Filters (the ones an Availability Zone has a value for).
const zoneFilters = (region: string): FilterSpec<AvailabilityZone> => ({
  fields: {
    'zone-name': (z) => z.zoneName,
    'zone-id': (z) => z.zoneId,
    'region-name': () => region,
    state: () => 'available',
    'zone-type': () => 'availability-zone',
    'opt-in-status': () => 'opt-in-not-required',
    'group-name': () => region,
  },
});

export class NetworkQueries {
  constructor(private readonly ctx: EmulatorContext) {}

  describeNetworkInterfaces(input: DescribeInput): Page<NetworkInterfaceView> {
    const now = this.ctx.now();
    const ids = input.ids ?? [];
    // EC2 model (DescribeNetworkInterfaces.MaxResults): "You cannot specify this parameter and the
    // network interface IDs parameter in the same request" (the code is inferred).
    if (ids.length > 0 && input.maxResults !== undefined) {
      throw new ApiError('InvalidParameterCombination', 'The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults');
    }
    for (const id of ids) checkEniIdFormat(id);
    for (const id of ids) if (!this.ctx.network.visibleEni(id, now)) throw eniNotFound(id);
    const wanted = new Set(ids);
    const matches = compileFilters(input.filters ?? [], eniFilters(this.ctx));
    const candidates = ids.length > 0 ? ids.flatMap((id) => this.ctx.network.enis.get(id) ?? []) : this.ctx.network.enis.values();
    // ENIs EC2 cannot see yet are left out, as a real describe would.
    const page = paginate(
      'network-interfaces',
      candidates,
      (e) => e.visibleAt <= now && (wanted.size === 0 || wanted.has(e.networkInterfaceId)) && matches(e),
      input,
    );
    return { items: page.items.map((eni) => this.eniView(eni)), nextToken: page.nextToken };
  }

  describeVpcs(input: DescribeInput): Page<VpcView> {
    const ids = input.ids ?? [];
    for (const id of ids) {
      if (!this.ctx.network.vpcs.has(id)) throw new ApiError('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    }
    const wanted = new Set(ids);
    const matches = compileFilters(input.filters ?? [], VPC_FILTERS);
    const page = paginate('vpcs', this.ctx.network.vpcs.values(), (v) => (wanted.size === 0 || wanted.has(v.vpcId)) && matches(v), input);
    return {
      items: page.items.map((vpc) => ({
        vpcId: vpc.vpcId,
        ownerId: this.ctx.accountId,
        state: 'available',
        cidrBlock: vpc.cidrBlock,
        cidrBlockAssociationSet: [
          { associationId: `vpc-cidr-assoc-${vpc.vpcId.slice(4)}`, cidrBlock: vpc.cidrBlock, cidrBlockState: { state: 'associated' } },
        ],
        instanceTenancy: 'default',
        isDefault: vpc.isDefault,
        tagSet: [],
      })),
      nextToken: page.nextToken,
    };
  }

  describeSubnets(input: DescribeInput): Page<SubnetView> {
    const ids = input.ids ?? [];
    for (const id of ids) {
      if (!this.ctx.network.subnets.has(id)) {
        throw new ApiError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
      }
    }
    const wanted = new Set(ids);
    const matches = compileFilters(input.filters ?? [], SUBNET_FILTERS);
    const page = paginate(
      'subnets',
      this.ctx.network.subnets.values(),
      (s) => (wanted.size === 0 || wanted.has(s.subnetId)) && matches(s),
      input,
    );
    return {
      items: page.items.map((subnet) => ({
        subnetId: subnet.subnetId,
        subnetArn: `arn:aws:ec2:${this.ctx.region}:${this.ctx.accountId}:subnet/${subnet.subnetId}`,
        vpcId: subnet.vpcId,
        ownerId: this.ctx.accountId,
        state: 'available',
        cidrBlock: subnet.cidrBlock,
        availabilityZone: subnet.availabilityZone,
        availabilityZoneId: subnet.availabilityZoneId,
        availableIpAddressCount: 4091,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        tagSet: [],
      })),
      nextToken: page.nextToken,
    };
  }

  /**
   * This account's zones: the names are its own, the ids the same in every account (AWS Regions
   * and Availability Zones, "AZ IDs", which points to DescribeAvailabilityZones to read them). The
   * EC2 model gives the action no paging. An unknown name or id is refused as EC2 refuses it
   * (`InvalidParameterValue`, *inferred*: the model lists no error codes).
   */
  describeAvailabilityZones(input: { zoneNames: readonly string[]; zoneIds: readonly string[]; filters?: DescribeInput['filters'] }): AvailabilityZoneView[] {
    const zones = this.ctx.network.zones;
    for (const name of input.zoneNames) {
      if (!zones.some((z) => z.zoneName === name)) throw new ApiError('InvalidParameterValue', `Invalid availability zone: [${name}]`);
    }
    for (const id of input.zoneIds) {
      if (!zones.some((z) => z.zoneId === id)) throw new ApiError('InvalidParameterValue', `Invalid availability zone ID: [${id}]`);
    }
    const matches = compileFilters(input.filters ?? [], zoneFilters(this.ctx.region));
    const named = (z: AvailabilityZone) =>
      (input.zoneNames.length === 0 && input.zoneIds.length === 0) || input.zoneNames.includes(z.zoneName) || input.zoneIds.includes(z.zoneId);
    return zones
      .filter((z) => named(z) && matches(z))
      .map((z) => ({
        zoneName: z.zoneName,
        zoneId: z.zoneId,
        zoneType: 'availability-zone',
        zoneState: 'available',
        regionName: this.ctx.region,
        // GroupName's model example is `us-east-1-zg-1`, but EC2 answers the Region's name for an
        // Availability Zone today (*inferred* from the AWS CLI's describe-availability-zones example).
        groupName: this.ctx.region,
        networkBorderGroup: this.ctx.region,
        optInStatus: 'opt-in-not-required',
        messageSet: [],
      }));
  }

  /** EC2 model, NetworkInterface.Attachment: present while the ENI is attached to an instance. */
  private attachmentView(eni: NetworkInterface): NetworkInterfaceView['attachment'] {
    const found = this.ctx.instances.attachmentOf(eni.networkInterfaceId);
    if (!found) return undefined;
    return {
      attachmentId: found.attachment.attachmentId,
      attachTime: new Date(found.attachment.attachedAt).toISOString(),
      deleteOnTermination: found.attachment.deleteOnTermination,
      deviceIndex: found.attachment.deviceIndex,
      networkCardIndex: 0,
      instanceId: found.instance.instanceId,
      instanceOwnerId: this.ctx.accountId,
      status: 'attached',
    };
  }

  private eniView(eni: NetworkInterface): NetworkInterfaceView {
    return {
      networkInterfaceId: eni.networkInterfaceId,
      subnetId: eni.subnetId,
      vpcId: eni.vpcId,
      availabilityZone: eni.availabilityZone,
      availabilityZoneId: eni.availabilityZoneId,
      description: eni.description,
      ownerId: this.ctx.accountId,
      requesterManaged: eni.requesterManaged,
      status: eni.status,
      macAddress: eni.macAddress,
      privateIpAddress: eni.privateIpAddress,
      privateIpAddressesSet: [{ privateIpAddress: eni.privateIpAddress, primary: true }],
      sourceDestCheck: true,
      interfaceType: eni.interfaceType,
      attachment: this.attachmentView(eni),
      groupSet: [],
      ipv6AddressesSet: [],
      tagSet: tagViews(new Map(Object.entries(eni.tags))),
    };
  }
}
