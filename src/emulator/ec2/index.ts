import { ApiError, type EmulatedService, type EmulatorContext } from '../context.js';
import type { XmlObject } from '../xml.js';
import { ec2Actions } from './actions.js';
import { instanceActions } from './instances.js';
import { TrafficMirroring } from './mirroring.js';
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
} from './inputs.js';
import type { SessionView } from './model.js';
import { NetworkQueries } from './network-actions.js';
import type { Page } from './paging.js';

export type { CreateFilterInput, CreateFilterRuleInput, CreateSessionInput, CreateTargetInput, DescribeInput };
export type { FilterRuleView, FilterView, SessionView, TargetView } from './model.js';
export { MIRROR_LIMITS } from './model.js';

/**
 * The emulated EC2: the query-protocol actions plus in-process helpers for demos, tests and
 * benchmarks. The helpers apply exactly the rules of the wire actions (limits, ids, errors as
 * thrown ApiError) but skip HTTP and throttling.
 */
export interface Ec2Emulation extends EmulatedService {
  handle(action: string, input: Readonly<Record<string, unknown>>): Promise<XmlObject>;
  /** Whether `action` is an emulated EC2 action (others are answered InvalidAction). */
  supports(action: string): boolean;
  /** Every emulated EC2 action. */
  actions(): readonly string[];
  createTarget(input: CreateTargetInput): CreateTargetResult;
  createFilter(input?: CreateFilterInput): CreateFilterResult;
  createFilterRule(input: CreateFilterRuleInput): CreateFilterRuleResult;
  createSession(input: CreateSessionInput): CreateSessionResult;
  deleteSession(trafficMirrorSessionId: string): void;
  describeSessions(input?: DescribeInput): Page<SessionView>;
  /** Number of traffic mirror sessions in the account. */
  sessionCount(): number;
}

export function createEc2Emulation(ctx: EmulatorContext): Ec2Emulation {
  const mirroring = new TrafficMirroring(ctx);
  const actions = { ...ec2Actions(mirroring, new NetworkQueries(ctx)), ...instanceActions(ctx) };
  return {
    async handle(action, input) {
      const run = Object.hasOwn(actions, action) ? actions[action] : undefined;
      if (!run) throw new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
      return run(input);
    },
    supports: (action) => Object.hasOwn(actions, action),
    actions: () => Object.keys(actions),
    close: () => {},
    createTarget: (input) => mirroring.createTarget(input),
    createFilter: (input = {}) => mirroring.createFilter(input),
    createFilterRule: (input) => mirroring.createFilterRule(input),
    createSession: (input) => mirroring.createSession(input),
    deleteSession: (id) => {
      mirroring.deleteSession(id);
    },
    describeSessions: (input = {}) => mirroring.describeSessions(input),
    sessionCount: () => mirroring.sessions.size,
  };
}
