import type { XmlObject } from '../xml.js';
import { dryRunOperation, invalidParameterValue, missingParameter } from './errors.js';
import { SESSION_FIELDS, type SessionField, type Tags } from './inputs.js';
import type { TrafficMirroring } from './mirroring.js';
import type { PortRange } from './model.js';
import type { NetworkQueries } from './network-actions.js';
import {
  bool,
  deleteTagList,
  filters,
  maxResults,
  optionalInt,
  optionalString,
  requiredInt,
  requiredString,
  stringList,
  struct,
  tagList,
  tagSpecifications,
  type Input,
} from './params.js';

/**
 * The EC2 query actions: decode wire parameters (by their query names), call the state, and
 * return the answer's members by their XML location names.
 */
export type Ec2Action = (input: Input) => XmlObject;

function tagsOf(input: Input, resourceType: string): Tags {
  return Object.fromEntries(tagSpecifications(input, resourceType).map((tag) => [tag.key, tag.value]));
}

function describeInput(input: Input, idsParam: string) {
  return {
    ids: stringList(input, idsParam),
    filters: filters(input),
    maxResults: maxResults(input),
    nextToken: optionalString(input, 'NextToken') || undefined,
  };
}

function portRange(input: Input, name: string): PortRange | undefined {
  const range = struct(input, name);
  if (!range) return undefined;
  return { fromPort: requiredInt(range, 'FromPort'), toPort: requiredInt(range, 'ToPort') };
}

function sessionFields(input: Input): SessionField[] {
  return stringList(input, 'RemoveField').map((field) => {
    const known = SESSION_FIELDS.find((candidate) => candidate === field);
    if (!known) throw invalidParameterValue(`Invalid RemoveField '${field}'. Valid values: ${SESSION_FIELDS.join(', ')}.`);
    return known;
  });
}

/** Describe* with DryRun=true: validated (the page was computed) but answered DryRunOperation. */
function answer(input: Input, result: XmlObject): XmlObject {
  if (bool(input, 'DryRun')) throw dryRunOperation();
  return result;
}

export function ec2Actions(mirroring: TrafficMirroring, network: NetworkQueries): Readonly<Record<string, Ec2Action>> {
  return {
    CreateTrafficMirrorTarget: (input) =>
      mirroring.createTarget({
        networkInterfaceId: optionalString(input, 'NetworkInterfaceId'),
        networkLoadBalancerArn: optionalString(input, 'NetworkLoadBalancerArn'),
        gatewayLoadBalancerEndpointId: optionalString(input, 'GatewayLoadBalancerEndpointId'),
        description: optionalString(input, 'Description'),
        tags: tagsOf(input, 'traffic-mirror-target'),
        clientToken: optionalString(input, 'ClientToken'),
        dryRun: bool(input, 'DryRun'),
      }),
    DeleteTrafficMirrorTarget: (input) => ({
      trafficMirrorTargetId: mirroring.deleteTarget(requiredString(input, 'TrafficMirrorTargetId'), bool(input, 'DryRun')),
    }),
    DescribeTrafficMirrorTargets: (input) => {
      const page = mirroring.describeTargets(describeInput(input, 'TrafficMirrorTargetId'));
      return answer(input, { trafficMirrorTargetSet: page.items, nextToken: page.nextToken });
    },

    CreateTrafficMirrorFilter: (input) =>
      mirroring.createFilter({
        description: optionalString(input, 'Description'),
        tags: tagsOf(input, 'traffic-mirror-filter'),
        clientToken: optionalString(input, 'ClientToken'),
        dryRun: bool(input, 'DryRun'),
      }),
    DeleteTrafficMirrorFilter: (input) => ({
      trafficMirrorFilterId: mirroring.deleteFilter(requiredString(input, 'TrafficMirrorFilterId'), bool(input, 'DryRun')),
    }),
    DescribeTrafficMirrorFilters: (input) => {
      const page = mirroring.describeFilters(describeInput(input, 'TrafficMirrorFilterId'));
      return answer(input, { trafficMirrorFilterSet: page.items, nextToken: page.nextToken });
    },
    CreateTrafficMirrorFilterRule: (input) =>
      mirroring.createFilterRule({
        trafficMirrorFilterId: requiredString(input, 'TrafficMirrorFilterId'),
        trafficDirection: requiredString(input, 'TrafficDirection'),
        ruleNumber: requiredInt(input, 'RuleNumber'),
        ruleAction: requiredString(input, 'RuleAction'),
        protocol: optionalInt(input, 'Protocol'),
        destinationPortRange: portRange(input, 'DestinationPortRange'),
        sourcePortRange: portRange(input, 'SourcePortRange'),
        destinationCidrBlock: requiredString(input, 'DestinationCidrBlock'),
        sourceCidrBlock: requiredString(input, 'SourceCidrBlock'),
        description: optionalString(input, 'Description'),
        tags: tagsOf(input, 'traffic-mirror-filter-rule'),
        clientToken: optionalString(input, 'ClientToken'),
        dryRun: bool(input, 'DryRun'),
      }),
    DeleteTrafficMirrorFilterRule: (input) => ({
      trafficMirrorFilterRuleId: mirroring.deleteFilterRule(
        requiredString(input, 'TrafficMirrorFilterRuleId'),
        bool(input, 'DryRun'),
      ),
    }),

    CreateTrafficMirrorSession: (input) =>
      mirroring.createSession({
        networkInterfaceId: requiredString(input, 'NetworkInterfaceId'),
        trafficMirrorTargetId: requiredString(input, 'TrafficMirrorTargetId'),
        trafficMirrorFilterId: requiredString(input, 'TrafficMirrorFilterId'),
        sessionNumber: requiredInt(input, 'SessionNumber'),
        virtualNetworkId: optionalInt(input, 'VirtualNetworkId'),
        packetLength: optionalInt(input, 'PacketLength'),
        description: optionalString(input, 'Description'),
        tags: tagsOf(input, 'traffic-mirror-session'),
        clientToken: optionalString(input, 'ClientToken'),
        dryRun: bool(input, 'DryRun'),
      }),
    ModifyTrafficMirrorSession: (input) => ({
      trafficMirrorSession: mirroring.modifySession({
        trafficMirrorSessionId: requiredString(input, 'TrafficMirrorSessionId'),
        trafficMirrorTargetId: optionalString(input, 'TrafficMirrorTargetId'),
        trafficMirrorFilterId: optionalString(input, 'TrafficMirrorFilterId'),
        packetLength: optionalInt(input, 'PacketLength'),
        sessionNumber: optionalInt(input, 'SessionNumber'),
        virtualNetworkId: optionalInt(input, 'VirtualNetworkId'),
        description: optionalString(input, 'Description'),
        removeFields: sessionFields(input),
        dryRun: bool(input, 'DryRun'),
      }),
    }),
    DeleteTrafficMirrorSession: (input) => ({
      trafficMirrorSessionId: mirroring.deleteSession(requiredString(input, 'TrafficMirrorSessionId'), bool(input, 'DryRun')),
    }),
    DescribeTrafficMirrorSessions: (input) => {
      const page = mirroring.describeSessions(describeInput(input, 'TrafficMirrorSessionId'));
      return answer(input, { trafficMirrorSessionSet: page.items, nextToken: page.nextToken });
    },

    DescribeNetworkInterfaces: (input) => {
      const page = network.describeNetworkInterfaces(describeInput(input, 'NetworkInterfaceId'));
      return answer(input, { networkInterfaceSet: page.items, nextToken: page.nextToken });
    },
    DescribeVpcs: (input) => {
      const page = network.describeVpcs(describeInput(input, 'VpcId'));
      return answer(input, { vpcSet: page.items, nextToken: page.nextToken });
    },
    DescribeSubnets: (input) => {
      const page = network.describeSubnets(describeInput(input, 'SubnetId'));
      return answer(input, { subnetSet: page.items, nextToken: page.nextToken });
    },
    DescribeAvailabilityZones: (input) => {
      const zones = network.describeAvailabilityZones({ zoneNames: stringList(input, 'ZoneName'), zoneIds: stringList(input, 'ZoneId'), filters: filters(input) });
      return answer(input, { availabilityZoneInfo: zones });
    },

    CreateTags: (input) => {
      const resourceIds = stringList(input, 'ResourceId');
      if (resourceIds.length === 0) throw missingParameter('ResourceId');
      const tags = tagList(input, 'Tag');
      if (tags.length === 0) throw missingParameter('Tag');
      mirroring.tags.createTags(resourceIds, tags, bool(input, 'DryRun'));
      return { return: true };
    },
    DeleteTags: (input) => {
      const resourceIds = stringList(input, 'ResourceId');
      if (resourceIds.length === 0) throw missingParameter('ResourceId');
      mirroring.tags.deleteTags(resourceIds, deleteTagList(input, 'Tag'), bool(input, 'DryRun'));
      return { return: true };
    },
    DescribeTags: (input) => {
      const page = mirroring.tags.describeTags(filters(input), {
        maxResults: maxResults(input),
        nextToken: optionalString(input, 'NextToken') || undefined,
      });
      return answer(input, { tagSet: page.items, nextToken: page.nextToken });
    },
  };
}
