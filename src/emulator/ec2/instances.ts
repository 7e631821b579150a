import { ApiError, type EmulatorContext } from '../context.js';
import { STATE_CODES, type Ec2Instance } from '../instances.js';
import type { XmlObject } from '../xml.js';
import { dryRunOperation, invalidParameterValue, missingParameter } from './errors.js';
import { compileFilters, type FilterSpec } from './filters.js';
import { tagViews } from './model.js';
import { paginate } from './paging.js';
import {
  bool,
  filters,
  maxResults,
  optionalInt,
  optionalString,
  requiredInt,
  stringList,
  structList,
  tagSpecifications,
  type Input,
} from './params.js';
import { checkClientToken } from './validate.js';

/**
 * RunInstances, DescribeInstances and TerminateInstances over the shared InstanceRegistry. Shapes
 * and locationNames are the EC2 model's (Reservation, Instance, InstanceStateChange); only what a
 * container instance needs is modelled: an instance type, a subnet, a primary ENI, a state.
 */

/** EC2 model (TerminateInstances.InstanceIds): "Up to 1000 instance IDs". */
const MAX_TERMINATE = 1000;
/**
 * inferred: EC2's per-call cap is the account's vCPU quota, not a documented count; a small cap
 * keeps a typo from creating a million ENIs.
 */
const MAX_LAUNCH = 100;
/** inferred: how long `pending` and `shutting-down` last (minutes on AWS; steps here). */
const bootMs = (ctx: EmulatorContext): number => ctx.timing().stepDelayMs;

// Filter names as the EC2 model documents them for DescribeInstances (a subset).
const INSTANCE_FILTERS = (ctx: EmulatorContext): FilterSpec<Ec2Instance> => ({
  fields: {
    'instance-id': (i) => i.instanceId,
    'instance-state-name': (i) => ctx.instances.stateAt(i, ctx.now()),
    'instance-state-code': (i) => STATE_CODES[ctx.instances.stateAt(i, ctx.now())],
    'instance-type': (i) => i.instanceType,
    'subnet-id': (i) => i.subnetId,
    'vpc-id': (i) => i.vpcId,
    'availability-zone': (i) => i.availabilityZone,
    'image-id': (i) => i.imageId,
    'reservation-id': (i) => i.reservationId,
    'client-token': (i) => i.clientToken,
    // EC2 model: "The value xen is used for both Xen and Nitro hypervisors."
    hypervisor: () => 'xen',
    'private-ip-address': (i) => [...i.attachments.values()].map((a) => a.eni.privateIpAddress),
    'network-interface.network-interface-id': (i) => [...i.attachments.values()].map((a) => a.eni.networkInterfaceId),
    'network-interface.subnet-id': (i) => [...i.attachments.values()].map((a) => a.eni.subnetId),
  },
  tags: (i) => i.tags,
});

const ID_PATTERN = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** inferred: EC2 rejects a type it does not offer; the emulator only checks the `family.size` form. */
const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;

export function instanceActions(ctx: EmulatorContext): Readonly<Record<string, (input: Input) => XmlObject>> {
  const registry = ctx.instances;
  const tokens = new Map<string, string>();

  const instanceOrNotFound = (id: string): Ec2Instance => {
    // EC2 error codes: InvalidInstanceID.Malformed / InvalidInstanceID.NotFound.
    if (!ID_PATTERN.test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    const instance = registry.instances.get(id);
    if (!instance) throw new ApiError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return instance;
  };

  return {
    RunInstances: (input) => {
      const minCount = requiredInt(input, 'MinCount');
      const maxCount = requiredInt(input, 'MaxCount');
      if (minCount < 1 || maxCount < minCount) {
        throw invalidParameterValue(`Invalid MinCount ${minCount} / MaxCount ${maxCount}: 1 <= MinCount <= MaxCount.`);
      }
      if (maxCount > MAX_LAUNCH) throw invalidParameterValue(`The emulator launches at most ${MAX_LAUNCH} instances per call.`);
      const imageId = optionalString(input, 'ImageId');
      if (!imageId) throw missingParameter('ImageId');
      // EC2 model (RunInstances.InstanceType): "Default: m1.small".
      const instanceType = optionalString(input, 'InstanceType') || 'm1.small';
      if (!INSTANCE_TYPE_PATTERN.test(instanceType)) {
        throw invalidParameterValue(`Invalid value '${instanceType}' for InstanceType.`);
      }
      const clientToken = optionalString(input, 'ClientToken');
      checkClientToken(clientToken);
      const subnetId = launchSubnet(ctx, input);
      const tags = new Map(tagSpecifications(input, 'instance').map((tag) => [tag.key, tag.value]));
      if (bool(input, 'DryRun')) throw dryRunOperation();
      // EC2 idempotency page: a repeated token answers the first launch's reservation.
      const replayed = clientToken ? tokens.get(clientToken) : undefined;
      if (replayed) {
        const launched = [...registry.instances.values()].filter((i) => i.reservationId === replayed);
        return reservationView(ctx, replayed, launched);
      }
      const reservationId = `r-${ctx.random.hex(17)}`;
      const now = ctx.now();
      const launched = Array.from({ length: maxCount }, (_, index) =>
        registry.launch({
          imageId,
          instanceType,
          subnetId,
          reservationId,
          amiLaunchIndex: index,
          clientToken,
          tags,
          now,
          bootMs: bootMs(ctx),
          // Realistic profile: some launches of a Nitro type still answer as a Xen host.
          nitro: ctx.random.chance(ctx.faults().nonNitroInstanceRate) ? false : undefined,
        }),
      );
      if (clientToken) tokens.set(clientToken, reservationId);
      return reservationView(ctx, reservationId, launched);
    },

    DescribeInstances: (input) => {
      const ids = stringList(input, 'InstanceId');
      const pageSize = maxResults(input);
      // EC2 model (DescribeInstances.MaxResults): "You cannot specify this parameter and the
      // instance IDs parameter in the same request." (the code is inferred, as for ENIs).
      if (ids.length > 0 && pageSize !== undefined) {
        throw new ApiError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
      }
      for (const id of ids) instanceOrNotFound(id);
      const wanted = new Set(ids);
      const matches = compileFilters(filters(input), INSTANCE_FILTERS(ctx));
      const page = paginate(
        'instances',
        registry.instances.values(),
        (i) => (wanted.size === 0 || wanted.has(i.instanceId)) && matches(i),
        { maxResults: pageSize, nextToken: optionalString(input, 'NextToken') || undefined },
        (i) => i.seq,
      );
      if (bool(input, 'DryRun')) throw dryRunOperation();
      // One reservation per launch, in launch order, holding this page's instances of it.
      const reservations = new Map<string, Ec2Instance[]>();
      for (const instance of page.items) {
        const members = reservations.get(instance.reservationId) ?? [];
        members.push(instance);
        reservations.set(instance.reservationId, members);
      }
      return {
        reservationSet: [...reservations].map(([id, members]) => reservationView(ctx, id, members)),
        nextToken: page.nextToken,
      };
    },

    TerminateInstances: (input) => {
      const ids = stringList(input, 'InstanceId');
      if (ids.length === 0) throw missingParameter('InstanceId');
      if (ids.length > MAX_TERMINATE) throw invalidParameterValue(`At most ${MAX_TERMINATE} instance IDs.`);
      const instances = [...new Set(ids)].map(instanceOrNotFound);
      if (bool(input, 'DryRun')) throw dryRunOperation();
      const now = ctx.now();
      return {
        instancesSet: instances.map((instance) => {
          const previous = registry.stateAt(instance, now);
          registry.terminate(instance, now, bootMs(ctx));
          const current = registry.stateAt(instance, now);
          return { instanceId: instance.instanceId, currentState: stateView(current), previousState: stateView(previous) };
        }),
      };
    },
  };
}

/** `SubnetId`, or the subnet of `NetworkInterface.1` (device 0); default: the default VPC's first subnet. */
function launchSubnet(ctx: EmulatorContext, input: Input): string {
  const primary = structList(input, 'NetworkInterface').find((spec) => (optionalInt(spec, 'DeviceIndex') ?? 0) === 0);
  const subnetId = optionalString(input, 'SubnetId') || (primary && optionalString(primary, 'SubnetId'));
  if (subnetId) {
    // EC2 error codes: InvalidSubnetID.NotFound.
    if (!ctx.network.subnets.has(subnetId)) throw new ApiError('InvalidSubnetID.NotFound', `The subnet ID '${subnetId}' does not exist`);
    return subnetId;
  }
  // EC2 User Guide: without a subnet, EC2 launches into a default subnet of the default VPC.
  const fallback = [...ctx.network.subnets.values()].find((subnet) => subnet.vpcId === ctx.network.defaultVpc.vpcId);
  if (!fallback) throw new ApiError('VPCIdNotSpecified', 'No default VPC for this user.');
  return fallback.subnetId;
}

const stateView = (name: keyof typeof STATE_CODES): XmlObject => ({ code: STATE_CODES[name], name });

function privateDnsName(ip: string, region: string): string {
  const host = `ip-${ip.replaceAll('.', '-')}`;
  return region === 'us-east-1' ? `${host}.ec2.internal` : `${host}.${region}.compute.internal`;
}

function reservationView(ctx: EmulatorContext, reservationId: string, instances: readonly Ec2Instance[]): XmlObject {
  return {
    reservationId,
    ownerId: ctx.accountId,
    groupSet: [],
    instancesSet: instances.map((instance) => instanceView(ctx, instance)),
  };
}

function instanceView(ctx: EmulatorContext, instance: Ec2Instance): XmlObject {
  const now = ctx.now();
  const state = ctx.instances.stateAt(instance, now);
  const primary = ctx.instances.primaryEniOf(instance);
  const attachments = [...instance.attachments.values()].sort((a, b) => a.deviceIndex - b.deviceIndex);
  return {
    instanceId: instance.instanceId,
    imageId: instance.imageId,
    instanceState: stateView(state),
    privateDnsName: primary ? privateDnsName(primary.privateIpAddress, ctx.region) : '',
    dnsName: '',
    // EC2 model (StateTransitionReason): the reason for the most recent state transition.
    reason: state === 'terminated' || state === 'shutting-down' ? `User initiated (${new Date(instance.terminatingAt ?? now).toISOString()})` : '',
    amiLaunchIndex: instance.amiLaunchIndex,
    productCodes: [],
    instanceType: instance.instanceType,
    launchTime: new Date(instance.launchedAt).toISOString(),
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    // EC2 User Guide: a terminated instance has no subnet, VPC or private IP any more (inferred detail).
    subnetId: state === 'terminated' ? undefined : instance.subnetId,
    vpcId: state === 'terminated' ? undefined : instance.vpcId,
    privateIpAddress: primary?.privateIpAddress,
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: [],
    virtualizationType: 'hvm',
    clientToken: instance.clientToken ?? '',
    tagSet: tagViews(instance.tags),
    groupSet: [],
    sourceDestCheck: true,
    // EC2 model (Instance.Hypervisor): "The value xen is used for both Xen and Nitro hypervisors."
    hypervisor: 'xen',
    networkInterfaceSet: attachments.map((attachment) => ({
      networkInterfaceId: attachment.eni.networkInterfaceId,
      subnetId: attachment.eni.subnetId,
      vpcId: attachment.eni.vpcId,
      description: attachment.eni.description,
      ownerId: ctx.accountId,
      status: attachment.eni.status,
      macAddress: attachment.eni.macAddress,
      privateIpAddress: attachment.eni.privateIpAddress,
      privateDnsName: privateDnsName(attachment.eni.privateIpAddress, ctx.region),
      sourceDestCheck: true,
      groupSet: [],
      attachment: {
        attachmentId: attachment.attachmentId,
        deviceIndex: attachment.deviceIndex,
        status: 'attached',
        attachTime: new Date(attachment.attachedAt).toISOString(),
        deleteOnTermination: attachment.deleteOnTermination,
        networkCardIndex: 0,
      },
      privateIpAddressesSet: [{ privateIpAddress: attachment.eni.privateIpAddress, primary: true }],
      ipv6AddressesSet: [],
      interfaceType: attachment.eni.interfaceType,
    })),
    ebsOptimized: false,
    enaSupport: instance.nitro,
    stateReason:
      state === 'terminated' || state === 'shutting-down'
        ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' }
        : undefined,
  };
}
