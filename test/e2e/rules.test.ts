import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunTaskCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { reconcile, type ReconcileReport } from '../../src/app/reconcile.js';
import { MANAGED_TAG, OPT_OUT_TASK_TAG } from '../../src/contract/tags.js';
import { registerFargateTaskDefinition, runFargateTasks } from '../../src/demo/world.js';
import type { Ec2Mirroring } from '../../src/ports/index.js';
import { CliRunner } from './support/cli.js';
import { handleOne, onlyEni } from './support/handle.js';
import { CountingMetrics, CREDENTIALS, startWorld, type World } from './support/world.js';

/** Rules, pools and convergence (issue 12), through the emulator over HTTP with the real SDK. */
let world: World;
const cli = new CliRunner();

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await world.close();
});

afterAll(() => cli.killAll());

const THIRD_NLB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/new-ids/00112233445566778';

interface LiveSession {
  readonly sessionId: string;
  readonly eni: string;
  readonly targetId: string;
  readonly filterId: string;
  readonly sessionNumber: number;
  readonly packetLength?: number;
  readonly virtualNetworkId: number;
  readonly ours: boolean;
}

/** Every session in the account, read in-process (the emulator's own state, not the product's view). */
function liveSessions(): LiveSession[] {
  return world.emulator.ec2.describeSessions({ maxResults: 1000 }).items.map((s) => ({
    sessionId: s.trafficMirrorSessionId,
    eni: s.networkInterfaceId,
    targetId: s.trafficMirrorTargetId,
    filterId: s.trafficMirrorFilterId,
    sessionNumber: s.sessionNumber,
    ...(s.packetLength === undefined ? {} : { packetLength: s.packetLength }),
    virtualNetworkId: s.virtualNetworkId,
    ours: s.tagSet.some((tag) => tag.key === MANAGED_TAG && tag.value === 'true'),
  }));
}

/** The attached ENIs of running tasks with no session of ours (any target) on them. */
function uncovered(enis: readonly string[]): string[] {
  const covered = new Set(liveSessions().filter((s) => s.ours).map((s) => s.eni));
  return enis.filter((eni) => !covered.has(eni));
}

/** The product's EC2 port, with `sample` run before and after every call it makes. */
function sampling(deps: AppDeps, sample: () => void): AppDeps {
  const ec2 = new Proxy(deps.ec2, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        sample();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) return result.finally(sample);
        return result;
      };
    },
  }) as Ec2Mirroring;
  return { ...deps, ec2 };
}

const sweep = (deps: AppDeps, dryRun = false): Promise<ReconcileReport> => reconcile(deps, { dryRun, actionsPerSecond: 1000 });

async function rulesFile(document: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-mirror-rules-'));
  const file = join(dir, 'rules.json');
  await writeFile(file, typeof document === 'string' ? document : JSON.stringify(document));
  return file;
}

function awsEnv(): Record<string, string> {
  return { AWS_ENDPOINT_URL: world.emulator.url, AWS_REGION: world.emulator.region, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey };
}

describe('convergence: a changed configuration reaches every session of ours, in place', () => {
  it('changing filter, packet length, session number, VNI and target: every session of ours matches, nothing on the old target, foreign sessions untouched, coverage 100% throughout', async () => {
    // prepare: three tasks mirrored under the old configuration, a foreign session holding number 7 on one ENI
    const tasks = await world.runTasks(3);
    await world.emulator.ecs.idle();
    const enis = tasks.map((t) => world.eniOf(t));
    expect((await sweep(world.deps())).created).toHaveLength(3);
    const foreignId = world.foreignSession(enis[0] ?? '', { sessionNumber: 7 });
    const foreignBefore = liveSessions().find((s) => s.sessionId === foreignId);
    const oursBefore = new Set(liveSessions().filter((s) => s.ours).map((s) => s.sessionId));
    const newTarget = world.emulator.ec2.createTarget({ networkLoadBalancerArn: THIRD_NLB }).trafficMirrorTarget.trafficMirrorTargetId;
    const newFilter = world.emulator.ec2.createFilter({}).trafficMirrorFilter.trafficMirrorFilterId;
    const changed = world.deps({
      MIRROR_TARGET_ID: newTarget,
      MIRROR_FILTER_ID: newFilter,
      MIRROR_PACKET_LENGTH: '128',
      MIRROR_SESSION_NUMBER: '7',
      MIRROR_VIRTUAL_NETWORK_ID: '4242',
    });
    const gaps: string[][] = [];
    const deps = sampling(changed, () => {
      const missing = uncovered(enis);
      if (missing.length > 0) gaps.push(missing);
    });
    // act
    const status = await sweep(deps, true);
    const report = await sweep(deps);
    const second = await sweep(changed);
    // assess
    expect(status.drifted).toHaveLength(3);
    expect(status.drifted[0]?.differences).toEqual(expect.arrayContaining([expect.stringMatching(/^filter /), expect.stringMatching(/^packet length /), expect.stringMatching(/^VNI /)]));
    expect(report.failures).toEqual([]);
    expect(report.created).toEqual([]);
    expect(report.deleted).toEqual([]);
    expect(report.modified).toHaveLength(3);
    expect(gaps).toEqual([]);
    const ours = liveSessions().filter((s) => s.ours);
    expect(new Set(ours.map((s) => s.sessionId))).toEqual(oursBefore);
    for (const session of ours) {
      expect(session).toMatchObject({ targetId: newTarget, filterId: newFilter, packetLength: 128, virtualNetworkId: 4242 });
      // The foreign session holds 7 on the first ENI: ours there takes the next free number.
      expect(session.sessionNumber).toBe(session.eni === enis[0] ? 8 : 7);
    }
    expect(liveSessions().filter((s) => s.targetId === world.targetId)).toEqual([]);
    expect(liveSessions().find((s) => s.sessionId === foreignId)).toEqual(foreignBefore);
    expect(report.clusters).toEqual([expect.objectContaining({ cluster: 'apps', mirrored: 3, coveragePercent: 100 })]);
    expect(second).toMatchObject({ created: [], deleted: [], modified: [], drifted: [] });
  });

  it('status shows the drifted count and what differs; reconcile --dry-run shows the modifications and changes nothing', async () => {
    // prepare
    const [task = ''] = await world.runTasks(1);
    await world.emulator.ecs.idle();
    await sweep(world.deps());
    const env = { ...awsEnv(), ...world.env(), MIRROR_PACKET_LENGTH: '128' };
    // act
    const status = await cli.run(['status'], env);
    const dryRun = await cli.run(['reconcile', '--dry-run'], env);
    // assess
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^drifted: 1 /m);
    expect(status.stdout).toContain(`${world.eniOf(task)}  `);
    // EC2 reports 8500 for a session to an NLB target created without a packet length.
    expect(status.stdout).toContain('packet length 8500 → 128');
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toMatch(/^would modify 1 in place:$/m);
    expect(dryRun.stdout).toMatch(/would modify tms-[0-9a-f]+ on eni-[0-9a-f]+: packet length 8500 → 128/);
    expect(liveSessions().filter((s) => s.ours).map((s) => s.packetLength)).not.toContain(128);
  });
});

describe('pools', () => {
  it('a rules file with per-AZ pools puts each ENI on a target of its own AZ id, and a pool of ENI targets never exceeds 10 sources per target', async () => {
    // prepare: two ENI targets in use1-az1, one in use1-az2; 24 tasks in az1, 2 in az2
    const subnetOf = new Map([...world.emulator.network.subnets.values()].map((s) => [s.availabilityZoneId, s.subnetId]));
    const az1 = subnetOf.get('use1-az1') ?? '';
    const az2 = subnetOf.get('use1-az2') ?? '';
    const eniTarget = (subnetId: string) =>
      world.emulator.ec2.createTarget({ networkInterfaceId: world.emulator.network.createEni({ subnetId }).networkInterfaceId }).trafficMirrorTarget.trafficMirrorTargetId;
    const [a1, a2, b1] = [eniTarget(az1), eniTarget(az1), eniTarget(az2)];
    const file = await rulesFile({ rules: [{ targetsByAz: { 'use1-az1': [a1, a2], 'use1-az2': [b1] } }] });
    const inAz1 = await runFargateTasks(world.clients, world.cluster, world.taskDefinition, 24, [az1]);
    const inAz2 = await runFargateTasks(world.clients, world.cluster, world.taskDefinition, 2, [az2]);
    await world.emulator.ecs.idle();
    const metrics = new CountingMetrics();
    const deps = world.deps({ MIRROR_RULES_FILE: file }, metrics);
    // act
    const report = await sweep(deps);
    // assess
    const zoneOfTarget = new Map([[a1, 'use1-az1'], [a2, 'use1-az1'], [b1, 'use1-az2']]);
    const sessions = liveSessions().filter((s) => s.ours);
    for (const session of sessions) expect(zoneOfTarget.get(session.targetId)).toBe(world.emulator.network.enis.get(session.eni)?.availabilityZoneId);
    const perTarget = (id: string) => new Set(sessions.filter((s) => s.targetId === id).map((s) => s.eni)).size;
    expect([perTarget(a1), perTarget(a2), perTarget(b1)]).toEqual([10, 10, 2]);
    expect(report.failures).toEqual([]);
    const blocked = report.unmirrored.filter((u) => u.state === 'blocked');
    expect(blocked).toHaveLength(4);
    expect(blocked.every((u) => inAz1.includes(u.taskArn) && u.reason.startsWith('pool full'))).toBe(true);
    expect(metrics.get('PoolFull')).toBe(4);
    expect(inAz2.every((t) => sessions.some((s) => s.eni === world.eniOf(t) && s.targetId === b1))).toBe(true);
    // A full pool is not retried by the event path: the event succeeds, reported blocked.
    const left = blocked[0]?.taskArn ?? '';
    const event = onlyEni(await handleOne(world.eventOf(left, 'RUNNING'), deps));
    expect(event).toMatchObject({ outcome: 'blocked' });
  });
});

describe('exclusion and invalid rules', () => {
  it('a rule with mirror: false and the opt-out tag leave those tasks unmirrored and reported as excluded', async () => {
    // prepare
    const worker = await registerFargateTaskDefinition(world.clients, 'worker', 'public.ecr.aws/docker/library/busybox:stable');
    const [web = ''] = await world.runTasks(1);
    const [batch = ''] = await world.runTasks(1, { taskDefinition: worker });
    const tagged = await world.clients.ecs.send(
      new RunTaskCommand({
        cluster: world.cluster,
        taskDefinition: world.taskDefinition,
        launchType: 'FARGATE',
        tags: [{ key: OPT_OUT_TASK_TAG, value: 'false' }],
        networkConfiguration: { awsvpcConfiguration: { subnets: world.subnets, assignPublicIp: 'DISABLED' } },
      }),
    );
    const optedOut = tagged.tasks?.[0]?.taskArn ?? '';
    await world.emulator.ecs.idle();
    const file = await rulesFile({ rules: [{ match: { families: ['worker'] }, mirror: false }] });
    const deps = world.deps({ MIRROR_RULES_FILE: file });
    // act
    const events = [onlyEni(await handleOne(world.eventOf(batch, 'RUNNING'), deps)), onlyEni(await handleOne(world.eventOf(optedOut, 'RUNNING'), deps))];
    const report = await sweep(deps);
    // assess
    expect(events).toEqual([
      expect.objectContaining({ outcome: 'excluded', reason: 'rules[0] sets mirror: false' }),
      expect.objectContaining({ outcome: 'excluded', reason: `task is tagged ${OPT_OUT_TASK_TAG}=false` }),
    ]);
    expect(report.unmirrored.map((u) => [u.taskArn, u.state])).toEqual(expect.arrayContaining([[batch, 'excluded'], [optedOut, 'excluded']]));
    expect(report.created.map((c) => c.taskArn)).toEqual([web]);
    expect(report.clusters).toEqual([expect.objectContaining({ enis: 1, mirrored: 1, coveragePercent: 100 })]);
    expect((await world.sessionsOnEni(world.eniOf(batch))).length + (await world.sessionsOnEni(world.eniOf(optedOut))).length).toBe(0);
  });

  it('the opt-out tag added later removes our session at the next sweep', async () => {
    // prepare
    const task = await world.runningTask();
    await sweep(world.deps());
    await world.clients.ecs.send(new TagResourceCommand({ resourceArn: task, tags: [{ key: OPT_OUT_TASK_TAG, value: 'false' }] }));
    // act
    const report = await reconcile(world.deps(), { dryRun: false, actionsPerSecond: 1000, maxDeletePercent: 100 });
    // assess
    expect(report.deleted).toEqual([expect.objectContaining({ reason: `excluded: task is tagged ${OPT_OUT_TASK_TAG}=false` })]);
    expect(await world.sessionsOnEni(world.eniOf(task))).toEqual([]);
  });

  it('invalid rules exit 2 naming the field, one line per problem, for handle, reconcile and status', async () => {
    // prepare
    const file = await rulesFile({ rules: [{}, {}, { targetsByAz: { 'use1-az1': ['tmt-nope'] }, packetLength: 0 }] });
    const env = { ...awsEnv(), ...world.env() };
    // act
    const runs = await Promise.all([
      cli.run(['reconcile', '--rules', file], env),
      cli.run(['status', '--rules', file], env),
      cli.run(['handle', '--rules', file, 'test/fixtures/events/fargate-running.json'], env),
    ]);
    // assess
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toEqual([
        `ecs-mirror: invalid configuration: MIRROR_RULES_FILE ${file}: rules[2].targetsByAz.use1-az1[0]: not a tmt- id`,
        `ecs-mirror: invalid configuration: MIRROR_RULES_FILE ${file}: rules[2].packetLength: not a whole number from 1 to 8500`,
      ]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
