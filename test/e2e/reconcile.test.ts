import { DeleteTrafficMirrorSessionCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { reconcile, type ReconcileReport } from '../../src/app/reconcile.js';
import { createCluster, registerFargateTaskDefinition } from '../../src/demo/world.js';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import { handleOne, onlyEni, pipeEvents, type EventPipeline } from './support/handle.js';
import { startWorld, type World } from './support/world.js';

/** The periodic sweep (src/app/reconcile.ts) with deps composed as in Lambda, against the emulator over HTTP. */
let world: World;
let pipeline: EventPipeline | undefined;

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  pipeline?.stop();
  pipeline = undefined;
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await world.close();
});

const sweep = (deps: ReturnType<World['deps']>, dryRun = false): Promise<ReconcileReport> => reconcile(deps, { dryRun, actionsPerSecond: 1000 });

/** Every session in the account (any target), as id → ENI, read in-process. */
function allSessions(): Map<string, string> {
  return new Map(world.emulator.ec2.describeSessions({ maxResults: 1000 }).items.map((s) => [s.trafficMirrorSessionId, s.networkInterfaceId]));
}

describe('reconcile through the emulator', () => {
  it('backfills tasks that ran before the deployment, per cluster, and a second sweep changes nothing', async () => {
    // prepare
    const batch = await createCluster(world.clients, 'batch');
    const apps = await world.runTasks(2);
    const batchTasks = await world.runTasks(1, { cluster: batch });
    await world.emulator.ecs.idle();
    const deps = world.deps();
    // act
    const first = await sweep(deps);
    const second = await sweep(deps);
    // assess
    expect(first.created.map((c) => c.taskArn).sort()).toEqual([...apps, ...batchTasks].sort());
    expect(first.clusters).toEqual([
      expect.objectContaining({ cluster: 'apps', enis: 2, mirrored: 2, missing: 0, coveragePercent: 100 }),
      expect.objectContaining({ cluster: 'batch', enis: 1, mirrored: 1, missing: 0, coveragePercent: 100 }),
    ]);
    expect(first.failures).toEqual([]);
    expect(second).toMatchObject({ created: [], deleted: [], unmirrored: [], failures: [] });
    expect(await groundTruth(world.emulator, world.targetId)).toMatchObject({ mirrorable: 3, mirrored: 3, duplicateSessions: 0 });
  });

  it('recreates a session deleted by hand, although EC2 replays the first create for its client token', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const created = onlyEni(await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps()));
    await world.clients.ec2.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: created.sessionId }));
    expect(await world.sessionsOnEni(eniId)).toEqual([]);
    // act
    const report = await sweep(world.deps());
    // assess
    expect(report.failures).toEqual([]);
    expect(report.created).toHaveLength(1);
    const live = await world.sessionsOnEni(eniId);
    expect(live).toHaveLength(1);
    expect(live[0]?.TrafficMirrorSessionId).not.toBe(created.sessionId);
    expect(report.created[0]?.sessionId).toBe(live[0]?.TrafficMirrorSessionId);
    expect(report.clusters).toEqual([expect.objectContaining({ cluster: 'apps', mirrored: 1, coveragePercent: 100 })]);
  });

  it('leaves foreign sessions alone: adds ours beside one to another target, none beside an unmanaged one to ours', async () => {
    // prepare
    const [besideOther = '', besideSeed = ''] = await world.runTasks(2);
    await world.emulator.ecs.idle();
    const otherEni = world.eniOf(besideOther);
    const seedEni = world.eniOf(besideSeed);
    const toOtherTarget = world.foreignSession(otherEni);
    const seedSession = world.foreignSession(seedEni, { toOurTarget: true });
    // act
    const report = await sweep(world.deps());
    // assess
    expect(report.failures).toEqual([]);
    expect(report.created.map((c) => c.networkInterfaceId)).toEqual([otherEni]);
    expect(report.deleted).toEqual([]);
    // Issue 12: the sweep describes whole the ENIs it acts on, so it reports the foreign session beside ours too.
    expect(report.foreignSessions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ sessionId: seedSession, networkInterfaceId: seedEni }),
        expect.objectContaining({ sessionId: toOtherTarget, networkInterfaceId: otherEni }),
      ]),
    );
    expect(report.foreignSessions).toHaveLength(2);
    const onOther = await world.sessionsOnEni(otherEni);
    expect(onOther.map((s) => [s.TrafficMirrorSessionId === toOtherTarget, s.SessionNumber]).sort()).toEqual([
      [false, 2],
      [true, 1],
    ]);
    expect((await world.sessionsOnEni(seedEni)).map((s) => s.TrafficMirrorSessionId)).toEqual([seedSession]);
    expect(report.clusters).toEqual([expect.objectContaining({ enis: 2, mirrored: 2, coveragePercent: 100 })]);
  });

  it('removes our sessions of ENIs that left scope (MIRROR_FAMILIES) and nothing else', async () => {
    // prepare
    const worker = await registerFargateTaskDefinition(world.clients, 'worker', 'public.ecr.aws/docker/library/python:3.12');
    const web = await world.runningTask();
    const job = await world.runningTask({ taskDefinition: worker });
    await sweep(world.deps());
    const jobEni = world.eniOf(job);
    const [jobSession] = await world.sessionsOnEni(jobEni);
    const foreignOnJob = world.foreignSession(jobEni, { sessionNumber: 3 });
    // act
    const report = await sweep(world.deps({ MIRROR_FAMILIES: 'web' }));
    // assess
    expect(report.failures).toEqual([]);
    expect(report.deleted).toEqual([expect.objectContaining({ sessionId: jobSession?.TrafficMirrorSessionId, networkInterfaceId: jobEni })]);
    expect((await world.sessionsOnEni(jobEni)).map((s) => s.TrafficMirrorSessionId)).toEqual([foreignOnJob]);
    expect(await world.sessionsOnEni(world.eniOf(web))).toHaveLength(1);
  });

  it('leaves tasks younger than MIRROR_RECONCILE_GRACE_SECONDS to the event path, and mirrors them once older', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    // act
    const graced = await sweep(world.deps({ MIRROR_RECONCILE_GRACE_SECONDS: '3600' }));
    const ungraced = await sweep(world.deps({ MIRROR_RECONCILE_GRACE_SECONDS: '0' }));
    // assess
    expect(graced.created).toEqual([]);
    expect(graced.unmirrored).toEqual([expect.objectContaining({ networkInterfaceId: eniId, state: 'missing', reason: expect.stringContaining('left to the event path') })]);
    expect(graced.clusters).toEqual([expect.objectContaining({ missing: 1, coveragePercent: 0 })]);
    expect(ungraced.created.map((c) => c.networkInterfaceId)).toEqual([eniId]);
    expect(await world.sessionsOnEni(eniId)).toHaveLength(1);
  });

  it('a sweep running during a burst of events creates no duplicates and every ENI ends mirrored', async () => {
    // prepare
    pipeline = pipeEvents(world.emulator, world.deps());
    const sweepDeps = world.deps();
    const reports: ReconcileReport[] = [];
    let bursting = true;
    const sweeping = (async () => {
      while (bursting) reports.push(await sweep(sweepDeps));
    })();
    // act
    try {
      await world.runTasks(30);
      await world.emulator.ecs.idle();
      await pipeline.queue.drained();
    } finally {
      bursting = false;
      await sweeping;
    }
    const final = await sweep(sweepDeps);
    // assess
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.flatMap((r) => r.failures)).toEqual([]);
    expect(reports.flatMap((r) => r.deleted)).toEqual([]);
    expect(pipeline.failures()).toEqual([]);
    const truth = await groundTruth(world.emulator, world.targetId);
    expect(truth).toMatchObject({ mirrorable: 30, mirrored: 30, duplicateSessions: 0, sessionsToTarget: 30 });
    expect(final).toMatchObject({ created: [], deleted: [], unmirrored: [] });
  });

  it('dry run reports what it would create and delete and changes nothing', async () => {
    // prepare: `job` mirrored, then out of scope; `web` not mirrored yet
    const worker = await registerFargateTaskDefinition(world.clients, 'worker', 'public.ecr.aws/docker/library/python:3.12');
    const job = await world.runningTask({ taskDefinition: worker });
    await sweep(world.deps());
    const web = await world.runningTask();
    const before = allSessions();
    const requestsBefore = world.emulator.stats().ec2.requests;
    // act
    const report = await sweep(world.deps({ MIRROR_FAMILIES: 'web' }), true);
    // assess
    expect(report.dryRun).toBe(true);
    expect(report.created).toEqual([]);
    expect(report.deleted).toEqual([expect.objectContaining({ networkInterfaceId: world.eniOf(job) })]);
    expect(report.unmirrored).toEqual([expect.objectContaining({ taskArn: web, state: 'missing', reason: expect.stringContaining('would create') })]);
    expect(allSessions()).toEqual(before);
    const requestsAfter = world.emulator.stats().ec2.requests;
    expect(requestsAfter['CreateTrafficMirrorSession']).toBe(requestsBefore['CreateTrafficMirrorSession']);
    expect(requestsAfter['DeleteTrafficMirrorSession']).toBe(requestsBefore['DeleteTrafficMirrorSession']);
  });
});
