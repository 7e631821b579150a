import type { FilterRuleView, FilterView, PortRange, SessionView, TargetView } from './model.js';
import type { Ec2Filter } from './params.js';

/** Typed inputs and results of the traffic-mirroring operations (wire layer and in-process helpers). */

export type Tags = Readonly<Record<string, string>>;

interface Common {
  readonly tags?: Tags;
  readonly clientToken?: string;
  readonly dryRun?: boolean;
}

export interface CreateTargetInput extends Common {
  readonly networkInterfaceId?: string;
  readonly networkLoadBalancerArn?: string;
  readonly gatewayLoadBalancerEndpointId?: string;
  readonly description?: string;
}

export interface CreateFilterInput extends Common {
  readonly description?: string;
}

export interface CreateFilterRuleInput extends Common {
  readonly trafficMirrorFilterId: string;
  readonly trafficDirection: string;
  readonly ruleNumber: number;
  readonly ruleAction: string;
  readonly protocol?: number;
  readonly destinationPortRange?: PortRange;
  readonly sourcePortRange?: PortRange;
  readonly destinationCidrBlock: string;
  readonly sourceCidrBlock: string;
  readonly description?: string;
}

export interface CreateSessionInput extends Common {
  readonly networkInterfaceId: string;
  readonly trafficMirrorTargetId: string;
  readonly trafficMirrorFilterId: string;
  readonly sessionNumber: number;
  readonly virtualNetworkId?: number;
  readonly packetLength?: number;
  readonly description?: string;
}

export type SessionField = 'packet-length' | 'description' | 'virtual-network-id';
export const SESSION_FIELDS: readonly SessionField[] = ['packet-length', 'description', 'virtual-network-id'];

export interface ModifySessionInput {
  readonly trafficMirrorSessionId: string;
  readonly trafficMirrorTargetId?: string;
  readonly trafficMirrorFilterId?: string;
  readonly packetLength?: number;
  readonly sessionNumber?: number;
  readonly virtualNetworkId?: number;
  readonly description?: string;
  readonly removeFields?: readonly SessionField[];
  readonly dryRun?: boolean;
}

export interface DescribeInput {
  readonly ids?: readonly string[];
  readonly filters?: readonly Ec2Filter[];
  readonly maxResults?: number;
  readonly nextToken?: string;
}

// Results are shaped like the EC2 answers (location names), so the wire layer encodes them as is.
export type CreateTargetResult = { readonly trafficMirrorTarget: TargetView; readonly clientToken?: string };
export type CreateFilterResult = { readonly trafficMirrorFilter: FilterView; readonly clientToken?: string };
export type CreateFilterRuleResult = { readonly trafficMirrorFilterRule: FilterRuleView; readonly clientToken?: string };
export type CreateSessionResult = { readonly trafficMirrorSession: SessionView; readonly clientToken?: string };
