import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile, sweepProblems, type ReconcileReport } from '../../src/app/reconcile.js';
import { registerFargateTaskDefinition } from '../../src/demo/world.js';
import type { Environment } from '../../src/config/from-env.js';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import { startFaultProxy, type FaultProxy, type FaultRule } from '../support/fault-proxy.js';
import { CliRunner } from './support/cli.js';
import { CREDENTIALS, CountingMetrics, startWorld, type World } from './support/world.js';

/**
 * The sweep against partial and empty ECS answers (a fault proxy between the product and the
 * emulator): it deletes only what ECS positively said is gone, and a sweep that could not verify
 * everything is reported as such (unverified, exit 1) instead of passing as a clean one.
 */
const TASKS = 10;
const cli = new CliRunner();
let world: World;
let proxy: FaultProxy;

beforeEach(async () => {
  world = await startWorld();
  proxy = await startFaultProxy(world.emulator.url);
});

afterEach(async () => {
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await proxy.close();
  await world.close();
});

afterAll(() => cli.killAll());

const sweepVia = (env: Environment = {}, metrics = new CountingMetrics(), maxDeletePercent?: number): Promise<ReconcileReport> =>
  reconcile(world.depsVia(proxy.endpoint, env, metrics), { dryRun: false, actionsPerSecond: 1000, ...(maxDeletePercent === undefined ? {} : { maxDeletePercent }) });

/** TASKS running tasks of `apps`, each mirrored by a sweep straight to the emulator (no proxy). */
async function mirroredTasks(count = TASKS): Promise<string[]> {
  const arns = await world.runTasks(count);
  await world.emulator.ecs.idle();
  const report = await reconcile(world.deps(), { dryRun: false, actionsPerSecond: 1000 });
  expect(report.created).toHaveLength(count);
  return arns;
}

function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: proxy.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    ...world.env(extra),
  };
}

describe('sweep under a single ECS fault', () => {
  const faults: readonly (readonly [string, FaultRule])[] = [
    ['an empty ListClusters', { operation: 'ecs:ListClusters', fault: { kind: 'empty-200' } }],
    ['an empty ListTasks', { operation: 'ecs:ListTasks', fault: { kind: 'empty-200' } }],
    ['an empty DescribeTasks, the first one only', { operation: 'ecs:DescribeTasks', fault: { kind: 'empty-200' }, times: 1 }],
    ['an empty DescribeTasks, every one', { operation: 'ecs:DescribeTasks', fault: { kind: 'empty-200' } }],
    ['MISSING for half the tasks of every DescribeTasks', { operation: 'ecs:DescribeTasks', fault: { kind: 'missing', share: 0.5 } }],
    ['a short ListTasks page without nextToken', { operation: 'ecs:ListTasks', fault: { kind: 'short-page', keep: 3 } }],
  ];

  it.each(faults)('under %s deletes no session of a running task and reports the sweep unverified', async (_name, rule) => {
    // prepare
    await mirroredTasks();
    const before = await groundTruth(world.emulator, world.targetId);
    const metrics = new CountingMetrics();
    proxy.setRules([rule]);
    // act
    const report = await sweepVia({}, metrics, 100);
    // assess
    expect(proxy.applied()[0]).toBeGreaterThan(0);
    expect(report.deleted).toEqual([]);
    expect(report.unverified.length).toBeGreaterThan(0);
    expect(sweepProblems(report)).not.toEqual([]);
    expect(metrics.get('SweepUnverified')).toBe(report.unverified.length);
    const after = await groundTruth(world.emulator, world.targetId);
    expect(after).toMatchObject({ mirrorable: TASKS, mirrored: before.mirrored, duplicateSessions: 0 });
  });

  it('reconcile (CLI) exits 1 under an empty ListTasks, lists the sessions as unverified and deletes none', async () => {
    // prepare
    await mirroredTasks();
    proxy.setRules([{ operation: 'ecs:ListTasks', fault: { kind: 'empty-200' } }]);
    // act
    const run = await cli.run(['reconcile', '--json'], cliEnv());
    // assess
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ReconcileReport;
    expect(report.deleted).toEqual([]);
    expect(report.unverified).toHaveLength(TASKS);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining('unverified')]);
    expect(world.sessionCountToTarget()).toBe(TASKS);
  });

  it('status (CLI) shows unverified sessions in its table output and exits 1', async () => {
    // prepare
    await mirroredTasks(2);
    proxy.setRules([{ operation: 'ecs:DescribeTasks', fault: { kind: 'empty-200' } }]);
    // act
    const run = await cli.run(['status'], cliEnv());
    // assess
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('unverified (kept');
    expect(run.stdout.match(/unverified: /g)).toHaveLength(2);
  });
});

describe('sweep: configuration that cannot silently mean nothing', () => {
  it('a typo in MIRROR_FAMILIES exits 2 naming the variable and the value, before any AWS call', async () => {
    // prepare
    await mirroredTasks(2);
    // act
    const run = await cli.run(['reconcile'], cliEnv({ MIRROR_FAMILIES: 'api;worker' }));
    // assess
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining("MIRROR_FAMILIES: 'api;worker' is not a valid task definition family")]);
    expect(proxy.seen()).toEqual([]);
    expect(world.sessionCountToTarget()).toBe(2);
  });

  it('a scope that matches no listed task refuses to delete and says so', async () => {
    // prepare
    await mirroredTasks(3);
    // act
    const report = await sweepVia({ MIRROR_FAMILIES: 'api' }, new CountingMetrics(), 100);
    // assess
    expect(report.deleted).toEqual([]);
    expect(report.heldDeletes).toHaveLength(3);
    expect(report.holdReason).toContain('MIRROR_FAMILIES (api) matches no task definition family');
    expect(sweepProblems(report)).not.toEqual([]);
    expect(world.sessionCountToTarget()).toBe(3);
  });

  it("--cluster nosuch names the cluster, sweeps the others and exits 1", async () => {
    // prepare
    const [taskArn = ''] = await world.runTasks(1);
    await world.emulator.ecs.idle();
    // act
    const run = await cli.run(['reconcile', '--cluster', 'nosuch,apps'], cliEnv());
    // assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cluster 'nosuch' not found");
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringContaining("cluster 'nosuch' not found")]);
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toHaveLength(1);
  });
});

describe('sweep: circuit breaker', () => {
  it('holds back a mass delete, changes nothing, and deletes once the operator raises the limit', async () => {
    // prepare: 7 of 10 tasks leave scope when MIRROR_FAMILIES becomes `web`
    const worker = await registerFargateTaskDefinition(world.clients, 'worker', 'public.ecr.aws/docker/library/python:3.12');
    await world.runTasks(3);
    await world.runTasks(7, { taskDefinition: worker });
    await world.emulator.ecs.idle();
    await reconcile(world.deps(), { dryRun: false, actionsPerSecond: 1000 });
    const metrics = new CountingMetrics();
    // act
    const held = await sweepVia({ MIRROR_FAMILIES: 'web' }, metrics);
    const heldCli = await cli.run(['reconcile'], cliEnv({ MIRROR_FAMILIES: 'web' }));
    const sessionsWhileHeld = world.sessionCountToTarget();
    const confirmed = await cli.run(['reconcile', '--max-delete-percent', '100'], cliEnv({ MIRROR_FAMILIES: 'web' }));
    // assess
    expect(held.deleted).toEqual([]);
    expect(held.heldDeletes).toHaveLength(7);
    expect(held.holdReason).toContain('circuit breaker: 7 of our 10 sessions');
    expect(metrics.get('SweepDeletesHeld')).toBe(7);
    expect(heldCli.code).toBe(1);
    expect(heldCli.stdout).toContain('held back (7 deletes not made)');
    expect(sessionsWhileHeld).toBe(10);
    expect(confirmed.code).toBe(0);
    expect(world.sessionCountToTarget()).toBe(3);
  });
});

describe('sweep under mixed faults', () => {
  /** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
  }

  const POOL: readonly FaultRule[] = [
    { operation: 'ecs:ListClusters', fault: { kind: 'empty-200' } },
    { operation: 'ecs:ListTasks', fault: { kind: 'empty-200' } },
    { operation: 'ecs:ListTasks', fault: { kind: 'short-page', keep: 2 } },
    { operation: 'ecs:DescribeTasks', fault: { kind: 'empty-200' } },
    { operation: 'ecs:DescribeTasks', fault: { kind: 'missing', share: 0.5 } },
    { operation: 'ecs:DescribeTasks', fault: { kind: 'status', status: 502 } },
    { operation: 'ecs:DescribeTasks', fault: { kind: 'garble' } },
    { operation: 'ecs:ListTasks', fault: { kind: 'reset' } },
    { operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'empty-200' } },
    { operation: 'ec2:DeleteTrafficMirrorSession', fault: { kind: 'lose-response' } },
  ];

  it.each([7, 23, 101])('coverage sampled from the emulator never drops below its level before the sweep (seed %i)', async (seed) => {
    // prepare
    await mirroredTasks();
    const before = (await groundTruth(world.emulator, world.targetId)).mirrored;
    const next = random(seed);
    const rules = Array.from({ length: 3 }, (): FaultRule => {
      const rule = POOL[Math.floor(next() * POOL.length)] as FaultRule;
      return { ...rule, times: 1 + Math.floor(next() * 3) };
    });
    proxy.setRules(rules);
    let sweeping = true;
    let lowest = before;
    const sampling = (async () => {
      while (sweeping) {
        lowest = Math.min(lowest, (await groundTruth(world.emulator, world.targetId)).mirrored);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // act
    const reports: ReconcileReport[] = [];
    try {
      // A sweep may fail outright (a garbled answer after retries): that deletes nothing either.
      for (let i = 0; i < 3; i++) {
        const report = await sweepVia({}, new CountingMetrics(), 100).then((r) => r, () => undefined);
        if (report !== undefined) reports.push(report);
      }
    } finally {
      sweeping = false;
      await sampling;
    }
    // assess
    expect(lowest).toBeGreaterThanOrEqual(before);
    expect(reports.flatMap((r) => r.deleted)).toEqual([]);
    expect((await groundTruth(world.emulator, world.targetId)).duplicateSessions).toBe(0);
  });
});
