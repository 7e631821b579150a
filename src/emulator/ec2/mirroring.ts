import { ApiError, type EmulatorContext } from '../context.js';
import {
  dryRunOperation,
  eniNotFound,
  filterInUse,
  filterNotFound,
  filterRuleExists,
  filterRuleNotFound,
  invalidParameterValue,
  nlbArnMalformed,
  nlbInUse,
  sessionNotFound,
  targetInUse,
  targetNotFound,
} from './errors.js';
import { compileFilters, type FilterSpec } from './filters.js';
import { fingerprint, IdempotencyCache } from './idempotency.js';
import type {
  CreateFilterInput,
  CreateFilterResult,
  CreateFilterRuleInput,
  CreateFilterRuleResult,
  CreateSessionInput,
  CreateSessionResult,
  CreateTargetInput,
  CreateTargetResult,
  DescribeInput,
  ModifySessionInput,
} from './inputs.js';
import {
  filterRuleView,
  filterView,
  MIRROR_LIMITS,
  RANGES,
  sessionView,
  targetView,
  type FilterView,
  type MirrorFilter,
  type MirrorFilterRule,
  type MirrorSession,
  type MirrorTarget,
  type SessionView,
  type TargetType,
  type TargetView,
} from './model.js';
import { paginate, type Page } from './paging.js';
import { SessionStore } from './sessions.js';
import { TagRegistry } from './tags.js';
import { checkCidr, checkClientToken, checkedTags, checkEniIdFormat, checkPortRange, inRange, oneOf } from './validate.js';

// Filter names: those the EC2 model documents for each describe (its Filters documentation). The
// tag filters (`tag:<key>`, `tag-key`, `tag-value`) are not listed there for the traffic-mirroring
// describes: accepting them is inferred from EC2's general filtering rules.
const SESSION_FILTERS: FilterSpec<MirrorSession> = {
  fields: {
    'network-interface-id': (s) => s.networkInterfaceId,
    'traffic-mirror-target-id': (s) => s.targetId,
    'traffic-mirror-filter-id': (s) => s.filterId,
    'traffic-mirror-session-id': (s) => s.id,
    'session-number': (s) => s.sessionNumber,
    'virtual-network-id': (s) => s.virtualNetworkId,
    'owner-id': (s) => s.ownerId,
    'packet-length': (s) => s.packetLength,
    description: (s) => s.description,
  },
  tags: (s) => s.tags,
};

const TARGET_FILTERS: FilterSpec<MirrorTarget> = {
  fields: {
    'traffic-mirror-target-id': (t) => t.id,
    'network-interface-id': (t) => t.networkInterfaceId,
    'network-load-balancer-arn': (t) => t.networkLoadBalancerArn,
    // inferred: not among the names the model documents for DescribeTrafficMirrorTargets.
    'gateway-load-balancer-endpoint-id': (t) => t.gatewayLoadBalancerEndpointId,
    'owner-id': (t) => t.ownerId,
    description: (t) => t.description,
  },
  tags: (t) => t.tags,
};

const FILTER_FILTERS: FilterSpec<MirrorFilter> = {
  fields: { 'traffic-mirror-filter-id': (f) => f.id, description: (f) => f.description },
  tags: (f) => f.tags,
};

/**
 * VPC Traffic Mirroring state and rules: targets, filters (+ rules) and sessions, with the
 * limits, idempotency and error codes EC2 applies. The wire layer (actions.ts) and the in-process
 * helpers both go through here, so a demo that seeds state directly obeys the same rules.
 */
export class TrafficMirroring {
  readonly sessions = new SessionStore();
  readonly targets = new Map<string, MirrorTarget>();
  readonly filters = new Map<string, MirrorFilter>();
  readonly rules = new Map<string, MirrorFilterRule>();
  readonly tags: TagRegistry;
  private seq = 0;
  private readonly tokens = {
    session: new IdempotencyCache<CreateSessionResult>(),
    target: new IdempotencyCache<CreateTargetResult>(),
    filter: new IdempotencyCache<CreateFilterResult>(),
    rule: new IdempotencyCache<CreateFilterRuleResult>(),
  };

  constructor(private readonly ctx: EmulatorContext) {
    this.tags = new TagRegistry(ctx.network);
    // As in AWS: a deleted source ENI takes its mirror sessions with it.
    ctx.network.onEniDeleted((eni) => {
      for (const session of [...this.sessions.byEni.get(eni.networkInterfaceId)]) this.dropSession(session);
    });
  }

  // ---- targets -------------------------------------------------------------------------------

  createTarget(input: CreateTargetInput): CreateTargetResult {
    const tags = checkedTags(input.tags);
    checkClientToken(input.clientToken);
    const given = [input.networkInterfaceId, input.networkLoadBalancerArn, input.gatewayLoadBalancerEndpointId].filter(
      (value) => value !== undefined && value !== '',
    );
    if (given.length !== 1) {
      throw new ApiError(
        given.length === 0 ? 'MissingParameter' : 'InvalidParameterCombination',
        'Specify exactly one of NetworkInterfaceId, NetworkLoadBalancerArn and GatewayLoadBalancerEndpointId.',
      );
    }
    const print = fingerprint({ ...input, tags, clientToken: undefined, dryRun: undefined });
    const replayed = input.dryRun ? undefined : this.tokens.target.replay(input.clientToken, print);
    if (replayed) return replayed;

    let type: TargetType;
    if (input.networkInterfaceId) {
      checkEniIdFormat(input.networkInterfaceId);
      if (!this.ctx.network.visibleEni(input.networkInterfaceId, this.ctx.now())) {
        throw eniNotFound(input.networkInterfaceId);
      }
      type = 'network-interface';
    } else if (input.networkLoadBalancerArn) {
      const arn = input.networkLoadBalancerArn;
      if (!NLB_ARN_PATTERN.test(arn)) throw nlbArnMalformed(arn);
      // EC2 error codes: NlbInUseByTrafficMirrorTargetException, one target per NLB.
      const existing = [...this.targets.values()].find((target) => target.networkLoadBalancerArn === arn);
      if (existing) throw nlbInUse(arn, existing.id);
      type = 'network-load-balancer';
    } else {
      // inferred: no code for a malformed endpoint id is documented for this action.
      if (!input.gatewayLoadBalancerEndpointId?.startsWith('vpce-')) {
        throw invalidParameterValue(`Invalid GatewayLoadBalancerEndpointId '${input.gatewayLoadBalancerEndpointId ?? ''}'.`);
      }
      type = 'gateway-load-balancer-endpoint';
    }
    if (this.targets.size >= MIRROR_LIMITS.targetsPerAccount) {
      throw new ApiError('TrafficMirrorTargetLimitExceeded', `The account already has ${MIRROR_LIMITS.targetsPerAccount} traffic mirror targets.`);
    }
    if (input.dryRun) throw dryRunOperation();

    const target: MirrorTarget = {
      id: this.newId('tmt'),
      seq: this.seq++,
      type,
      networkInterfaceId: input.networkInterfaceId || undefined,
      networkLoadBalancerArn: input.networkLoadBalancerArn || undefined,
      gatewayLoadBalancerEndpointId: input.gatewayLoadBalancerEndpointId || undefined,
      description: input.description,
      ownerId: this.ctx.accountId,
      tags: new Map(Object.entries(tags)),
    };
    this.targets.set(target.id, target);
    this.tags.register(target.id, 'traffic-mirror-target', target.tags);
    const result: CreateTargetResult = { trafficMirrorTarget: targetView(target), clientToken: input.clientToken };
    this.tokens.target.remember(input.clientToken, print, result);
    return result;
  }

  deleteTarget(id: string, dryRun = false): string {
    const target = this.targets.get(id);
    if (!target) throw targetNotFound(id);
    const [user] = this.sessions.byTarget.get(id);
    // EC2 model (DeleteTrafficMirrorTarget): "You cannot delete a Traffic Mirror target that is in use".
    if (user) throw targetInUse(id, user.id);
    if (dryRun) throw dryRunOperation();
    this.targets.delete(id);
    this.tags.unregister(id);
    return id;
  }

  describeTargets(input: DescribeInput): Page<TargetView> {
    const ids = input.ids ?? [];
    for (const id of ids) if (!this.targets.has(id)) throw targetNotFound(id);
    const wanted = new Set(ids);
    const matches = compileFilters(input.filters ?? [], TARGET_FILTERS);
    const page = paginate(
      'targets',
      this.targets.values(),
      (t) => (wanted.size === 0 || wanted.has(t.id)) && matches(t),
      input,
      (t) => t.seq,
    );
    return { items: page.items.map(targetView), nextToken: page.nextToken };
  }

  // ---- filters and rules ---------------------------------------------------------------------

  createFilter(input: CreateFilterInput): CreateFilterResult {
    const tags = checkedTags(input.tags);
    checkClientToken(input.clientToken);
    const print = fingerprint({ description: input.description, tags });
    const replayed = input.dryRun ? undefined : this.tokens.filter.replay(input.clientToken, print);
    if (replayed) return replayed;
    if (this.filters.size >= MIRROR_LIMITS.filtersPerAccount) {
      throw new ApiError('TrafficMirrorFilterLimitExceeded', `The account already has ${MIRROR_LIMITS.filtersPerAccount} traffic mirror filters.`);
    }
    if (input.dryRun) throw dryRunOperation();
    const filter: MirrorFilter = {
      id: this.newId('tmf'),
      seq: this.seq++,
      description: input.description,
      rules: new Map(),
      tags: new Map(Object.entries(tags)),
    };
    this.filters.set(filter.id, filter);
    this.tags.register(filter.id, 'traffic-mirror-filter', filter.tags);
    const result: CreateFilterResult = { trafficMirrorFilter: filterView(filter), clientToken: input.clientToken };
    this.tokens.filter.remember(input.clientToken, print, result);
    return result;
  }

  deleteFilter(id: string, dryRun = false): string {
    const filter = this.filters.get(id);
    if (!filter) throw filterNotFound(id);
    const [user] = this.sessions.byFilter.get(id);
    // EC2 model (DeleteTrafficMirrorFilter): "You cannot delete a Traffic Mirror filter that is in use".
    if (user) throw filterInUse(id, user.id);
    if (dryRun) throw dryRunOperation();
    for (const ruleId of filter.rules.keys()) {
      this.rules.delete(ruleId);
      this.tags.unregister(ruleId);
    }
    this.filters.delete(id);
    this.tags.unregister(id);
    return id;
  }

  describeFilters(input: DescribeInput): Page<FilterView> {
    const ids = input.ids ?? [];
    for (const id of ids) if (!this.filters.has(id)) throw filterNotFound(id);
    const wanted = new Set(ids);
    const matches = compileFilters(input.filters ?? [], FILTER_FILTERS);
    const page = paginate(
      'filters',
      this.filters.values(),
      (f) => (wanted.size === 0 || wanted.has(f.id)) && matches(f),
      input,
      (f) => f.seq,
    );
    return { items: page.items.map(filterView), nextToken: page.nextToken };
  }

  createFilterRule(input: CreateFilterRuleInput): CreateFilterRuleResult {
    const tags = checkedTags(input.tags);
    checkClientToken(input.clientToken);
    const direction = oneOf(input.trafficDirection, ['ingress', 'egress'] as const, 'TrafficDirection');
    const ruleAction = oneOf(input.ruleAction, ['accept', 'reject'] as const, 'RuleAction');
    inRange(input.ruleNumber, RANGES.ruleNumber, 'RuleNumber');
    if (input.protocol !== undefined) inRange(input.protocol, RANGES.protocol, 'Protocol');
    checkCidr(input.destinationCidrBlock, 'DestinationCidrBlock');
    checkCidr(input.sourceCidrBlock, 'SourceCidrBlock');
    checkPortRange(input.destinationPortRange, 'DestinationPortRange');
    checkPortRange(input.sourcePortRange, 'SourcePortRange');
    const print = fingerprint({ ...input, tags, clientToken: undefined, dryRun: undefined });
    const replayed = input.dryRun ? undefined : this.tokens.rule.replay(input.clientToken, print);
    if (replayed) return replayed;

    const filter = this.filters.get(input.trafficMirrorFilterId);
    if (!filter) throw filterNotFound(input.trafficMirrorFilterId);
    if (filter.rules.size >= MIRROR_LIMITS.rulesPerFilter) {
      throw new ApiError('TrafficMirrorFilterRuleLimitExceeded', `The traffic mirror filter '${filter.id}' already has ${MIRROR_LIMITS.rulesPerFilter} rules.`);
    }
    for (const rule of filter.rules.values()) {
      if (rule.direction === direction && rule.ruleNumber === input.ruleNumber) {
        // EC2 model (RuleNumber): "must be unique for each Traffic Mirror rule in a given direction";
        // the code is TrafficMirrorFilterRuleAlreadyExists (EC2 error codes).
        throw filterRuleExists(
          `Rule number ${input.ruleNumber} is already used by ${direction} rule '${rule.id}' of filter '${filter.id}'.`,
        );
      }
    }
    if (input.dryRun) throw dryRunOperation();
    const rule: MirrorFilterRule = {
      id: this.newId('tmfr'),
      seq: this.seq++,
      filterId: filter.id,
      direction,
      ruleNumber: input.ruleNumber,
      ruleAction,
      protocol: input.protocol,
      destinationPortRange: input.destinationPortRange,
      sourcePortRange: input.sourcePortRange,
      destinationCidrBlock: input.destinationCidrBlock,
      sourceCidrBlock: input.sourceCidrBlock,
      description: input.description,
      tags: new Map(Object.entries(tags)),
    };
    filter.rules.set(rule.id, rule);
    this.rules.set(rule.id, rule);
    this.tags.register(rule.id, 'traffic-mirror-filter-rule', rule.tags);
    const result: CreateFilterRuleResult = { trafficMirrorFilterRule: filterRuleView(rule), clientToken: input.clientToken };
    this.tokens.rule.remember(input.clientToken, print, result);
    return result;
  }

  deleteFilterRule(id: string, dryRun = false): string {
    const rule = this.rules.get(id);
    if (!rule) throw filterRuleNotFound(id);
    if (dryRun) throw dryRunOperation();
    this.rules.delete(id);
    this.filters.get(rule.filterId)?.rules.delete(id);
    this.tags.unregister(id);
    return id;
  }

  // ---- sessions ------------------------------------------------------------------------------

  createSession(input: CreateSessionInput): CreateSessionResult {
    inRange(input.sessionNumber, RANGES.sessionNumber, 'SessionNumber');
    if (input.packetLength !== undefined) inRange(input.packetLength, RANGES.packetLength, 'PacketLength');
    if (input.virtualNetworkId !== undefined) inRange(input.virtualNetworkId, RANGES.virtualNetworkId, 'VirtualNetworkId');
    const tags = checkedTags(input.tags);
    checkClientToken(input.clientToken);
    const print = fingerprint({ ...input, tags, clientToken: undefined, dryRun: undefined });
    const replayed = input.dryRun ? undefined : this.tokens.session.replay(input.clientToken, print);
    if (replayed) return replayed;

    checkEniIdFormat(input.networkInterfaceId);
    this.requireSource(input.networkInterfaceId);
    const target = this.targets.get(input.trafficMirrorTargetId);
    if (!target) throw targetNotFound(input.trafficMirrorTargetId);
    if (!this.filters.has(input.trafficMirrorFilterId)) throw filterNotFound(input.trafficMirrorFilterId);
    const onEni = this.sessions.byEni.get(input.networkInterfaceId);
    if (onEni.size >= MIRROR_LIMITS.sessionsPerInterface) {
      throw new ApiError(
        'TrafficMirrorSessionsPerInterfaceLimitExceeded',
        `The network interface '${input.networkInterfaceId}' already has ${MIRROR_LIMITS.sessionsPerInterface} traffic mirror sessions.`,
      );
    }
    this.checkSessionNumberFree(input.networkInterfaceId, input.sessionNumber, undefined);
    this.checkTargetAcceptsSource(target, input.networkInterfaceId);
    if (this.sessions.size >= MIRROR_LIMITS.sessionsPerAccount) {
      throw new ApiError(
        'TrafficMirrorSessionLimitExceeded',
        `The account already has the maximum of ${MIRROR_LIMITS.sessionsPerAccount} traffic mirror sessions.`,
      );
    }
    if (input.dryRun) throw dryRunOperation();

    const session: MirrorSession = {
      id: this.newId('tms'),
      seq: this.seq++,
      networkInterfaceId: input.networkInterfaceId,
      targetId: target.id,
      filterId: input.trafficMirrorFilterId,
      sessionNumber: input.sessionNumber,
      // EC2 picks a random VNI when none is given.
      virtualNetworkId: input.virtualNetworkId ?? this.ctx.random.int(1, RANGES.virtualNetworkId.max),
      packetLength: input.packetLength ?? defaultPacketLength(target),
      description: input.description,
      ownerId: this.ctx.accountId,
      tags: new Map(Object.entries(tags)),
    };
    this.sessions.add(session);
    this.tags.register(session.id, 'traffic-mirror-session', session.tags);
    const result: CreateSessionResult = { trafficMirrorSession: sessionView(session), clientToken: input.clientToken };
    this.tokens.session.remember(input.clientToken, print, result);
    return result;
  }

  modifySession(input: ModifySessionInput): SessionView {
    const session = this.sessions.get(input.trafficMirrorSessionId);
    if (!session) throw sessionNotFound(input.trafficMirrorSessionId);
    if (input.sessionNumber !== undefined) inRange(input.sessionNumber, RANGES.sessionNumber, 'SessionNumber');
    if (input.packetLength !== undefined) inRange(input.packetLength, RANGES.packetLength, 'PacketLength');
    if (input.virtualNetworkId !== undefined) inRange(input.virtualNetworkId, RANGES.virtualNetworkId, 'VirtualNetworkId');
    let target: MirrorTarget | undefined;
    if (input.trafficMirrorTargetId !== undefined) {
      target = this.targets.get(input.trafficMirrorTargetId);
      if (!target) throw targetNotFound(input.trafficMirrorTargetId);
      if (target.id !== session.targetId) this.checkTargetAcceptsSource(target, session.networkInterfaceId);
    }
    if (input.trafficMirrorFilterId !== undefined && !this.filters.has(input.trafficMirrorFilterId)) {
      throw filterNotFound(input.trafficMirrorFilterId);
    }
    if (input.sessionNumber !== undefined) {
      this.checkSessionNumberFree(session.networkInterfaceId, input.sessionNumber, session.id);
    }
    if (input.dryRun) throw dryRunOperation();

    this.sessions.update(session, { targetId: target?.id, filterId: input.trafficMirrorFilterId });
    // inferred: a session moved to an NLB target without a packet length gets the NLB default too.
    if (session.packetLength === undefined && input.packetLength === undefined) {
      session.packetLength = defaultPacketLength(this.targets.get(session.targetId));
    }
    if (input.sessionNumber !== undefined) session.sessionNumber = input.sessionNumber;
    if (input.packetLength !== undefined) session.packetLength = input.packetLength;
    if (input.virtualNetworkId !== undefined) session.virtualNetworkId = input.virtualNetworkId;
    if (input.description !== undefined) session.description = input.description;
    for (const field of input.removeFields ?? []) {
      // EC2 model (RemoveFields): "the property is set to the default".
      if (field === 'packet-length') session.packetLength = defaultPacketLength(this.targets.get(session.targetId));
      if (field === 'description') session.description = undefined;
      if (field === 'virtual-network-id') session.virtualNetworkId = this.ctx.random.int(1, RANGES.virtualNetworkId.max);
    }
    return sessionView(session);
  }

  deleteSession(id: string, dryRun = false): string {
    const session = this.sessions.get(id);
    if (!session) throw sessionNotFound(id);
    if (dryRun) throw dryRunOperation();
    this.dropSession(session);
    return id;
  }

  describeSessions(input: DescribeInput): Page<SessionView> {
    const ids = input.ids ?? [];
    for (const id of ids) if (!this.sessions.get(id)) throw sessionNotFound(id);
    const filters = input.filters ?? [];
    const wanted = new Set(ids);
    const matches = compileFilters(filters, SESSION_FILTERS);
    const page = paginate(
      'sessions',
      this.sessions.candidates(ids, filters),
      (s) => (wanted.size === 0 || wanted.has(s.id)) && matches(s),
      input,
      (s) => s.seq,
    );
    return { items: page.items.map(sessionView), nextToken: page.nextToken };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private dropSession(session: MirrorSession): void {
    this.sessions.remove(session);
    this.tags.unregister(session.id);
  }

  private requireSource(networkInterfaceId: string): void {
    // An ENI that EC2 cannot see yet (eventual consistency) is NotFound, exactly like a bad id.
    const eni = this.ctx.network.visibleEni(networkInterfaceId, this.ctx.now());
    if (!eni) throw eniNotFound(networkInterfaceId);
    if (!eni.mirroringSupported || eni.interfaceType !== 'interface') {
      throw new ApiError(
        'NetworkInterfaceNotSupported',
        `The network interface '${networkInterfaceId}' (type ${eni.interfaceType}) does not support traffic mirroring.`,
      );
    }
  }

  private checkSessionNumberFree(networkInterfaceId: string, sessionNumber: number, except: string | undefined): void {
    for (const other of this.sessions.byEni.get(networkInterfaceId)) {
      if (other.sessionNumber === sessionNumber && other.id !== except) {
        // AWS documents no dedicated code for a session number already used on the ENI.
        throw invalidParameterValue(
          `Session number ${sessionNumber} is already used by traffic mirror session '${other.id}' on network interface '${networkInterfaceId}'.`,
        );
      }
    }
  }

  private checkTargetAcceptsSource(target: MirrorTarget, networkInterfaceId: string): void {
    // Only ENI targets limit their sources; NLB and GWLB-endpoint targets take any number.
    if (target.type !== 'network-interface') return;
    const sources = new Set([...this.sessions.byTarget.get(target.id)].map((s) => s.networkInterfaceId));
    if (!sources.has(networkInterfaceId) && sources.size >= MIRROR_LIMITS.sourcesPerInterfaceTarget) {
      throw new ApiError(
        'TrafficMirrorSourcesPerTargetLimitExceeded',
        `The traffic mirror target '${target.id}' already has ${MIRROR_LIMITS.sourcesPerInterfaceTarget} sources.`,
      );
    }
  }

  private newId(prefix: string): string {
    return `${prefix}-${this.ctx.random.hex(17)}`;
  }
}

/**
 * EC2 model (CreateTrafficMirrorSession.PacketLength): "For sessions with Network Load Balancer
 * (NLB) Traffic Mirror targets the default PacketLength will be set to 8500." For other target
 * types the model names no default: the whole packet is mirrored and no PacketLength is reported.
 */
export const NLB_DEFAULT_PACKET_LENGTH = 8_500;

function defaultPacketLength(target: MirrorTarget | undefined): number | undefined {
  return target?.type === 'network-load-balancer' ? NLB_DEFAULT_PACKET_LENGTH : undefined;
}

/**
 * EC2 error codes: InvalidNetworkLoadBalancerArn.Malformed, "in the form
 * arn:aws:elasticloadbalancing:region:account-id:loadbalancer/net/load-balancer-name/load-balancer-id".
 */
const NLB_ARN_PATTERN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer\/net\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+$/;
