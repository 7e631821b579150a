/** EC2 traffic-mirroring state and the views the API returns (named after the XML `locationName`s). */

/**
 * Traffic Mirroring quotas page (not adjustable): 3 sessions per source network interface,
 * 10,000 sessions per account, 10 sources per network-interface target (100 on the largest
 * instance sizes: not emulated). NLB and GWLB-endpoint targets have no source limit. The error
 * codes are those of the EC2 error codes page (TrafficMirrorSessionsPerInterfaceLimitExceeded,
 * TrafficMirrorSessionLimitExceeded, TrafficMirrorSourcesPerTargetLimitExceeded).
 */
export const MIRROR_LIMITS = {
  sessionsPerInterface: 3,
  sessionsPerAccount: 10_000,
  sourcesPerInterfaceTarget: 10,
  // Same page: targets per account, filters per account, filter rules per filter (both
  // directions together: inferred, the page does not split them). Codes: TrafficMirrorTargetLimitExceeded,
  // TrafficMirrorFilterLimitExceeded, TrafficMirrorFilterRuleLimitExceeded (EC2 error codes).
  targetsPerAccount: 10_000,
  filtersPerAccount: 10_000,
  rulesPerFilter: 10,
} as const;

export const RANGES = {
  // EC2 model, CreateTrafficMirrorSession.SessionNumber: "Valid values are 1-32766."
  sessionNumber: { min: 1, max: 32_766 },
  // EC2 model, CreateTrafficMirrorSession.PacketLength: "Valid values are 1-8500."
  packetLength: { min: 1, max: 8_500 },
  // The VNI is VXLAN's 24-bit field (RFC 7348, cited by the EC2 model); the range is inferred.
  virtualNetworkId: { min: 0, max: 16_777_215 },
  // inferred: the model gives no range for RuleNumber; the console offers 1-32766 like sessions.
  ruleNumber: { min: 1, max: 32_766 },
  // EC2 model, Protocol: an IANA protocol number (0-255).
  protocol: { min: 0, max: 255 },
  // inferred: TCP/UDP port numbers.
  port: { min: 0, max: 65_535 },
} as const;

export type TargetType = 'network-interface' | 'network-load-balancer' | 'gateway-load-balancer-endpoint';
export type TrafficDirection = 'ingress' | 'egress';

export type TagView = { readonly key: string; readonly value: string };

/** Every mirror resource has a creation sequence: paging cursors and index order rely on it. */
export interface Sequenced {
  readonly seq: number;
}

export interface MirrorSession extends Sequenced {
  readonly id: string;
  readonly networkInterfaceId: string;
  targetId: string;
  filterId: string;
  sessionNumber: number;
  virtualNetworkId: number;
  packetLength: number | undefined;
  description: string | undefined;
  readonly ownerId: string;
  readonly tags: Map<string, string>;
}

export interface MirrorTarget extends Sequenced {
  readonly id: string;
  readonly type: TargetType;
  readonly networkInterfaceId: string | undefined;
  readonly networkLoadBalancerArn: string | undefined;
  readonly gatewayLoadBalancerEndpointId: string | undefined;
  readonly description: string | undefined;
  readonly ownerId: string;
  readonly tags: Map<string, string>;
}

export interface PortRange {
  readonly fromPort: number;
  readonly toPort: number;
}

export interface MirrorFilterRule extends Sequenced {
  readonly id: string;
  readonly filterId: string;
  readonly direction: TrafficDirection;
  readonly ruleNumber: number;
  readonly ruleAction: 'accept' | 'reject';
  readonly protocol: number | undefined;
  readonly destinationPortRange: PortRange | undefined;
  readonly sourcePortRange: PortRange | undefined;
  readonly destinationCidrBlock: string;
  readonly sourceCidrBlock: string;
  readonly description: string | undefined;
  readonly tags: Map<string, string>;
}

export interface MirrorFilter extends Sequenced {
  readonly id: string;
  readonly description: string | undefined;
  readonly rules: Map<string, MirrorFilterRule>;
  readonly tags: Map<string, string>;
}

// Views are type aliases (not interfaces) so they are assignable to XmlObject.
export type SessionView = {
  readonly trafficMirrorSessionId: string;
  readonly trafficMirrorTargetId: string;
  readonly trafficMirrorFilterId: string;
  readonly networkInterfaceId: string;
  readonly ownerId: string;
  readonly packetLength?: number;
  readonly sessionNumber: number;
  readonly virtualNetworkId: number;
  readonly description?: string;
  readonly tagSet: readonly TagView[];
};

export type TargetView = {
  readonly trafficMirrorTargetId: string;
  readonly networkInterfaceId?: string;
  readonly networkLoadBalancerArn?: string;
  readonly type: TargetType;
  readonly description?: string;
  readonly ownerId: string;
  readonly tagSet: readonly TagView[];
  readonly gatewayLoadBalancerEndpointId?: string;
};

export type PortRangeView = { readonly fromPort: number; readonly toPort: number };

export type FilterRuleView = {
  readonly trafficMirrorFilterRuleId: string;
  readonly trafficMirrorFilterId: string;
  readonly trafficDirection: TrafficDirection;
  readonly ruleNumber: number;
  readonly ruleAction: 'accept' | 'reject';
  readonly protocol?: number;
  readonly destinationPortRange?: PortRangeView;
  readonly sourcePortRange?: PortRangeView;
  readonly destinationCidrBlock: string;
  readonly sourceCidrBlock: string;
  readonly description?: string;
  readonly tagSet: readonly TagView[];
};

export type FilterView = {
  readonly trafficMirrorFilterId: string;
  readonly ingressFilterRuleSet: readonly FilterRuleView[];
  readonly egressFilterRuleSet: readonly FilterRuleView[];
  readonly networkServiceSet: readonly string[];
  readonly description?: string;
  readonly tagSet: readonly TagView[];
};

export function tagViews(tags: ReadonlyMap<string, string>): TagView[] {
  return [...tags].map(([key, value]) => ({ key, value }));
}

export function sessionView(session: MirrorSession): SessionView {
  return {
    trafficMirrorSessionId: session.id,
    trafficMirrorTargetId: session.targetId,
    trafficMirrorFilterId: session.filterId,
    networkInterfaceId: session.networkInterfaceId,
    ownerId: session.ownerId,
    packetLength: session.packetLength,
    sessionNumber: session.sessionNumber,
    virtualNetworkId: session.virtualNetworkId,
    description: session.description,
    tagSet: tagViews(session.tags),
  };
}

export function targetView(target: MirrorTarget): TargetView {
  return {
    trafficMirrorTargetId: target.id,
    networkInterfaceId: target.networkInterfaceId,
    networkLoadBalancerArn: target.networkLoadBalancerArn,
    type: target.type,
    description: target.description,
    ownerId: target.ownerId,
    tagSet: tagViews(target.tags),
    gatewayLoadBalancerEndpointId: target.gatewayLoadBalancerEndpointId,
  };
}

export function filterRuleView(rule: MirrorFilterRule): FilterRuleView {
  return {
    trafficMirrorFilterRuleId: rule.id,
    trafficMirrorFilterId: rule.filterId,
    trafficDirection: rule.direction,
    ruleNumber: rule.ruleNumber,
    ruleAction: rule.ruleAction,
    protocol: rule.protocol,
    destinationPortRange: rule.destinationPortRange,
    sourcePortRange: rule.sourcePortRange,
    destinationCidrBlock: rule.destinationCidrBlock,
    sourceCidrBlock: rule.sourceCidrBlock,
    description: rule.description,
    tagSet: tagViews(rule.tags),
  };
}

export function filterView(filter: MirrorFilter): FilterView {
  const rules = [...filter.rules.values()].sort((a, b) => a.ruleNumber - b.ruleNumber);
  return {
    trafficMirrorFilterId: filter.id,
    ingressFilterRuleSet: rules.filter((rule) => rule.direction === 'ingress').map(filterRuleView),
    egressFilterRuleSet: rules.filter((rule) => rule.direction === 'egress').map(filterRuleView),
    networkServiceSet: [],
    description: filter.description,
    tagSet: tagViews(filter.tags),
  };
}
