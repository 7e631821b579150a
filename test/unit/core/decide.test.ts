import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPT_OUT_TASK_TAG } from '../../../src/contract/tags.js';
import { decide, decideAll, type EniDecision } from '../../../src/core/decide.js';
import type { SessionOptions } from '../../../src/core/plan.js';
import { ruleFor, type MirrorRule } from '../../../src/core/rules.js';
import { MANAGED_TAG, type MirrorSession } from '../../../src/core/session.js';
import { makeSession, makeTask } from './fixtures.js';

const DEFAULTS: SessionOptions = { targetId: 'tmt-00000000000000000', filterId: 'tmf-00000000000000000', sessionNumber: 1 };
const T = (n: number) => `tmt-${String(n).padStart(17, '0')}`;
const F = (n: number) => `tmf-${String(n).padStart(17, '0')}`;
const ENI = 'eni-1';
const ours = (id: string, overrides: Partial<MirrorSession> = {}) =>
  makeSession(id, ENI, { targetId: DEFAULTS.targetId, filterId: DEFAULTS.filterId, tags: { [MANAGED_TAG]: 'true' }, ...overrides });
const task = makeTask('t1');
const run = (sessionsOnEni: readonly MirrorSession[], rules: readonly MirrorRule[] = [], extra: { availabilityZoneId?: string } = {}) =>
  decide({ task, networkInterfaceId: ENI, sessionsOnEni, rules, defaults: DEFAULTS, ...extra });

describe('decide', () => {
  it('creates the session the defaults describe when there are no rules and no session', () => {
    const decision = run([]);
    expect(decision).toMatchObject({ kind: 'create', rule: 'defaults', plan: { targetId: DEFAULTS.targetId, filterId: DEFAULTS.filterId, sessionNumber: 1 } });
  });

  it('is mirrored by our session when it matches, and modifies each field that differs in place', () => {
    expect(run([ours('tms-1')])).toMatchObject({ kind: 'mirrored', sessionId: 'tms-1', foreign: false });
    const rules: MirrorRule[] = [{ filterId: F(2), packetLength: 128, sessionNumber: 7, virtualNetworkId: 42, targetId: T(3) }];
    const decision = run([ours('tms-1', { packetLength: 64 })], rules);
    expect(decision).toMatchObject({
      kind: 'modify',
      session: { sessionId: 'tms-1' },
      changes: { targetId: T(3), filterId: F(2), sessionNumber: 7, packetLength: 128, virtualNetworkId: 42 },
    });
    expect((decision as Extract<EniDecision, { kind: 'modify' }>).drift).toHaveLength(5);
  });

  it('removes a packet length the rule no longer sets, and takes 8500 for the whole packet', () => {
    expect(run([ours('tms-1', { packetLength: 128 })])).toMatchObject({ kind: 'modify', changes: { packetLength: null } });
    expect(run([ours('tms-1', { packetLength: 8500 })])).toMatchObject({ kind: 'mirrored' });
  });

  it('takes an unmanaged session to the target for mirrored and never adds a second one', () => {
    const seed = makeSession('tms-seed', ENI, { targetId: DEFAULTS.targetId });
    expect(run([seed])).toMatchObject({ kind: 'mirrored', sessionId: 'tms-seed', foreign: true, toDelete: [] });
  });

  it('picks a free session number when a foreign session holds the wanted one', () => {
    const foreign = makeSession('tms-f', ENI, { targetId: T(9), sessionNumber: 1 });
    expect(run([foreign])).toMatchObject({ kind: 'create', plan: { sessionNumber: 2 } });
    expect(run([foreign, ours('tms-1', { sessionNumber: 2 })])).toMatchObject({ kind: 'mirrored' });
  });

  it('is blocked, not an error, with three foreign sessions on the ENI', () => {
    const foreign = [1, 2, 3].map((n) => makeSession(`tms-f${n}`, ENI, { targetId: T(9), sessionNumber: n }));
    expect(run(foreign)).toMatchObject({ kind: 'blocked', cause: 'sessions-per-eni' });
  });

  it('excludes by mirror: false and by the opt-out tag, and deletes every session of ours', () => {
    expect(run([ours('tms-1')], [{ mirror: false }])).toMatchObject({ kind: 'excluded', rule: 'rules[0]', toDelete: [expect.objectContaining({ sessionId: 'tms-1' })] });
    const optedOut = decide({ task: makeTask('t1', { tags: { [OPT_OUT_TASK_TAG]: 'false' } }), networkInterfaceId: ENI, sessionsOnEni: [], rules: [{ targetId: T(3) }], defaults: DEFAULTS });
    expect(optedOut).toMatchObject({ kind: 'excluded', rule: 'tag' });
  });

  it('picks the pool target with the fewest sources, never past its quota, and is blocked when all are full', () => {
    const rules: MirrorRule[] = [{ targetIds: [T(1), T(2)] }];
    const loads = new Map([[T(1), { sources: 3, maxSources: 10 }], [T(2), { sources: 2, maxSources: 10 }]]);
    expect(decide({ task, networkInterfaceId: ENI, sessionsOnEni: [], rules, defaults: DEFAULTS, loads })).toMatchObject({ kind: 'create', plan: { targetId: T(2) } });
    const full = new Map([[T(1), { sources: 10, maxSources: 10 }], [T(2), { sources: 10, maxSources: 10 }]]);
    expect(decide({ task, networkInterfaceId: ENI, sessionsOnEni: [], rules, defaults: DEFAULTS, loads: full })).toMatchObject({ kind: 'blocked', cause: 'pool-full' });
  });

  it('fills a pool in turn across ENIs and stops at the quota (decideAll)', () => {
    const rules: MirrorRule[] = [{ targetIds: [T(1), T(2)] }];
    const loads = new Map([[T(1), { sources: 9, maxSources: 10 }], [T(2), { sources: 8, maxSources: 10 }]]);
    const decisions = decideAll(
      ['eni-a', 'eni-b', 'eni-c', 'eni-d'].map((networkInterfaceId) => ({ task, networkInterfaceId, sessionsOnEni: [], rules, defaults: DEFAULTS })),
      loads,
    );
    expect(decisions.map((d) => (d.kind === 'create' ? d.plan.targetId : d.kind))).toEqual([T(2), T(1), T(2), 'blocked']);
  });

  it('uses the pool of the ENI AZ id, and has no target for an AZ the rule does not name', () => {
    const rules: MirrorRule[] = [{ targetsByAz: { 'use1-az1': [T(1)], 'use1-az2': [T(2)] } }];
    expect(run([], rules, { availabilityZoneId: 'use1-az2' })).toMatchObject({ kind: 'create', plan: { targetId: T(2) } });
    expect(run([], rules, { availabilityZoneId: 'use1-az3' })).toMatchObject({ kind: 'blocked', cause: 'no-target' });
  });

  it('moves a session of ours from a target no rule uses any more, and keeps one already in the pool', () => {
    const rules: MirrorRule[] = [{ targetIds: [T(1), T(2)] }];
    expect(run([ours('tms-1', { targetId: T(9) })], rules)).toMatchObject({ kind: 'modify', changes: { targetId: T(1) } });
    expect(run([ours('tms-1', { targetId: T(2) })], rules)).toMatchObject({ kind: 'mirrored' });
  });
});

describe('decide: properties', () => {
  const targets = [T(1), T(2), T(3)];
  const filters = [F(1), F(2)];
  const session = fc
    .record({ id: fc.nat(50), managed: fc.boolean(), target: fc.constantFrom(...targets), filter: fc.constantFrom(...filters), number: fc.integer({ min: 1, max: 4 }), length: fc.option(fc.constantFrom(128, 8500), { nil: undefined }) })
    .map(({ id, managed, target, filter, number, length }) =>
      makeSession(`tms-${id}`, ENI, { targetId: target, filterId: filter, sessionNumber: number, ...(length === undefined ? {} : { packetLength: length }), tags: managed ? { [MANAGED_TAG]: 'true' } : {} }),
    );
  const rule: fc.Arbitrary<MirrorRule> = fc.record(
    {
      match: fc.record({ services: fc.constantFrom(['web'], ['api']), availabilityZoneIds: fc.constantFrom(['use1-az1'], ['use1-az2']) }, { requiredKeys: [] }),
      mirror: fc.boolean(),
      targetIds: fc.shuffledSubarray(targets, { minLength: 1 }),
      filterId: fc.constantFrom(...filters),
      sessionNumber: fc.integer({ min: 1, max: 4 }),
      packetLength: fc.constantFrom(128, 256),
    },
    { requiredKeys: [] },
  );
  const world = fc.record({
    // EC2 holds one session per number on an ENI.
    sessions: fc.uniqueArray(session, { maxLength: 5, selector: (s) => s.sessionNumber }).map((list) => list.map((s, index) => ({ ...s, sessionId: `tms-${index}` }))),
    rules: fc.array(rule, { maxLength: 4 }),
    service: fc.constantFrom('web', 'api'),
    az: fc.constantFrom('use1-az1', 'use1-az2'),
  });
  const apply = (sessions: readonly MirrorSession[], decision: EniDecision): MirrorSession[] => {
    const gone = new Set(decision.toDelete.map((s) => s.sessionId));
    // As EC2 applies a modify: a null field is removed (RemoveFields).
    const modified = (s: MirrorSession, changes: object): MirrorSession =>
      Object.fromEntries(Object.entries({ ...s, ...changes }).filter(([, value]) => value !== null)) as unknown as MirrorSession;
    const kept = sessions.filter((s) => !gone.has(s.sessionId)).map((s) => (decision.kind === 'modify' && s.sessionId === decision.session.sessionId ? modified(s, decision.changes) : s));
    if (decision.kind !== 'create') return kept;
    const { plan } = decision;
    return [...kept, makeSession('tms-new', ENI, { targetId: plan.targetId, filterId: plan.filterId, sessionNumber: plan.sessionNumber, ...(plan.packetLength === undefined ? {} : { packetLength: plan.packetLength }), tags: plan.tags })];
  };

  it('never leaves two sessions of ours on an ENI, and a second decision finds nothing to do', () => {
    fc.assert(
      fc.property(world, ({ sessions, rules, service, az }) => {
        const subject = { task: makeTask('t1', { serviceName: service }), networkInterfaceId: ENI, availabilityZoneId: az, rules, defaults: DEFAULTS };
        const decision = decide({ ...subject, sessionsOnEni: sessions });
        const after = apply(sessions, decision);
        const oursAfter = after.filter((s) => s.tags[MANAGED_TAG] === 'true');
        if (decision.kind !== 'blocked') expect(oursAfter.length).toBeLessThanOrEqual(1);
        const again = decide({ ...subject, sessionsOnEni: after });
        expect(['mirrored', 'excluded', 'blocked']).toContain(again.kind);
        expect(again.toDelete).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it('never touches a foreign session', () => {
    fc.assert(
      fc.property(world, ({ sessions, rules, service, az }) => {
        const decision = decide({ task: makeTask('t1', { serviceName: service }), networkInterfaceId: ENI, availabilityZoneId: az, sessionsOnEni: sessions, rules, defaults: DEFAULTS });
        for (const s of decision.toDelete) expect(s.tags[MANAGED_TAG]).toBe('true');
        if (decision.kind === 'modify') expect(decision.session.tags[MANAGED_TAG]).toBe('true');
      }),
      { numRuns: 1000 },
    );
  });

  it('always follows the first matching rule', () => {
    fc.assert(
      fc.property(world, ({ sessions, rules, service, az }) => {
        const decision = decide({ task: makeTask('t1', { serviceName: service }), networkInterfaceId: ENI, availabilityZoneId: az, sessionsOnEni: sessions, rules, defaults: DEFAULTS });
        const first = rules.findIndex((r) => (r.match?.services ?? [service]).includes(service) && (r.match?.availabilityZoneIds ?? [az]).includes(az));
        expect(decision.rule).toBe(first === -1 ? 'defaults' : `rules[${first}]`);
        const chosen = first === -1 ? undefined : rules[first];
        if (chosen?.mirror === false) expect(decision.kind).toBe('excluded');
        if (decision.kind === 'create') {
          expect(chosen?.targetIds ?? [DEFAULTS.targetId]).toContain(decision.plan.targetId);
          expect(decision.plan.filterId).toBe(chosen?.filterId ?? DEFAULTS.filterId);
          expect(decision.plan.packetLength).toBe(chosen?.packetLength);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('ruleFor names the deciding rule', () => {
    expect(ruleFor({ task }, [{ match: { services: ['api'] } }, { match: { tags: { team: '*' } } }, {}], DEFAULTS)).toMatchObject({ rule: 'rules[2]' });
    expect(ruleFor({ task: makeTask('t1', { tags: { team: 'x' } }) }, [{ match: { tags: { team: '*' } } }], DEFAULTS)).toMatchObject({ rule: 'rules[0]' });
  });
});
