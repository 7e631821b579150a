import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTrafficMirrorSessionCommand } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handleTaskEvents } from '../../src/app/handle-task-events.js';
import { reconcile } from '../../src/app/reconcile.js';
import type { TaskEventResult } from '../../src/app/results.js';
import { CliRunner } from './support/cli.js';
import { handleOne, onlyEni } from './support/handle.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * A `created` is only reported for a session that exists: EC2 answers a reused client token
 * with the first session even after it was deleted, so every create is checked by one describe
 * and a replayed one is made again under a fresh token, on the event path as in the sweep.
 */
const cli = new CliRunner();
let world: World;
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ecs-mirror-verified-'));
});

afterAll(async () => {
  cli.killAll();
  await rm(scratch, { recursive: true, force: true });
});

beforeEach(async () => {
  world = await startWorld();
});

afterEach(async () => {
  expect(world.emulator.ecs.backgroundErrors()).toEqual([]);
  await world.close();
});

async function deleteByHand(sessionId: string | undefined): Promise<void> {
  await world.clients.ec2.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: sessionId }));
}

describe('verified success on the event path', () => {
  it('a redelivered event after our session was deleted by hand creates a real new session', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const first = onlyEni(await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps()));
    await deleteByHand(first.sessionId);
    // act
    const again = onlyEni(await handleOne(world.eventOf(taskArn, 'RUNNING'), world.deps()));
    // assess
    const live = await world.sessionsOnEni(eniId);
    expect(live).toHaveLength(1);
    expect(again).toMatchObject({ outcome: 'created', sessionId: live[0]?.TrafficMirrorSessionId });
    expect(again.sessionId).not.toBe(first.sessionId);
  });

  it('handle (CLI) does not report a phantom created for the redelivered event', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const file = join(scratch, 'running.json');
    await writeFile(file, JSON.stringify(world.eventOf(taskArn, 'RUNNING')));
    const env = {
      AWS_ENDPOINT_URL: world.emulator.url,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      ...world.env(),
    };
    const first = JSON.parse((await cli.run(['handle', file], env)).stdout) as TaskEventResult;
    await deleteByHand(first.enis[0]?.sessionId);
    // act
    const run = await cli.run(['handle', file], env);
    // assess
    expect(run.code).toBe(0);
    const output = JSON.parse(run.stdout) as TaskEventResult;
    const live = await world.sessionsOnEni(eniId);
    expect(live.map((s) => s.TrafficMirrorSessionId)).toEqual([output.enis[0]?.sessionId]);
    expect(output.enis[0]).toMatchObject({ outcome: 'created' });
    expect(output.enis[0]?.sessionId).not.toBe(first.enis[0]?.sessionId);
  });

  it('a warm process forgets an ENI when its sweep finds the remembered session gone', async () => {
    // prepare: one process (one deps, with its warm cache) handles events and sweeps
    const deps = world.deps();
    const taskArn = await world.runningTask();
    const eniId = world.eniOf(taskArn);
    const first = onlyEni(await handleOne(world.eventOf(taskArn, 'PENDING'), deps));
    await deleteByHand(first.sessionId);
    // act
    const sweep = await reconcile(deps, { dryRun: false, actionsPerSecond: 1000 });
    const later = onlyEni(await handleOne(world.eventOf(taskArn, 'RUNNING'), deps));
    // assess
    const live = await world.sessionsOnEni(eniId);
    expect(sweep.created.map((c) => c.sessionId)).toEqual([live[0]?.TrafficMirrorSessionId]);
    expect(later).toMatchObject({ outcome: 'exists', sessionId: live[0]?.TrafficMirrorSessionId });
  });

  it('checks a batch of creates with one describe by session id, not one per create', async () => {
    // prepare
    const arns = await world.runTasks(5);
    await world.emulator.ecs.idle();
    const events = arns.map((arn) => world.eventOf(arn, 'RUNNING'));
    world.emulator.resetStats();
    // act
    const results = await handleTaskEvents(events, world.deps());
    // assess
    expect(results.flatMap((r) => r.enis.map((e) => e.outcome))).toEqual(Array(5).fill('created'));
    const requests = world.emulator.stats().ec2.requests;
    expect(requests['CreateTrafficMirrorSession']).toBe(5);
    expect(requests['DescribeTrafficMirrorSessions']).toBe(2);
  });
});
