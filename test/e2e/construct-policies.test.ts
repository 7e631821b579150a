import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app/deps.js';
import { reconcile } from '../../src/app/reconcile.js';
import { composeAppDeps } from '../../src/aws/compose.js';
import type { Environment } from '../../src/config/from-env.js';
import { CLUSTER_TAG, TASK_ARN_TAG } from '../../src/contract/tags.js';
import { createCluster, runFargateTasks } from '../../src/demo/world.js';
import { ROLE_ACCESS_KEYS } from '../../src/emulator/iam/index.js';
import { noMetrics, silentLogger } from '../../src/ports/index.js';
import { handleOne, onlyEni } from './support/handle.js';
import { constructProps, synthesizedPolicies, worldIamPolicies } from './support/policies.js';
import { startWorld, tagsOf, type World } from './support/world.js';

/**
 * The product under the exact policies the construct synthesizes for props a user would give,
 * each function with its role's access key: what IAM would refuse on AWS is refused here.
 */
let world: World;

afterEach(async () => {
  await world.close();
});

function roleDeps(role: keyof typeof ROLE_ACCESS_KEYS, env: Environment = {}): AppDeps {
  return composeAppDeps({
    env: world.env(env),
    logger: silentLogger,
    metrics: noMetrics,
    aws: { endpoint: world.emulator.url, region: world.emulator.region, credentials: { accessKeyId: ROLE_ACCESS_KEYS[role], secretAccessKey: 'x' } },
  });
}

describe('sourceSubnetIds', () => {
  it('lets IAM refuse a task ENI in another subnet, whatever the event says', async () => {
    // prepare
    world = await startWorld();
    const [allowed = '', other = ''] = world.subnets;
    world.emulator.iam.setPolicies(worldIamPolicies(synthesizedPolicies(constructProps('report', { sourceSubnetIds: [allowed] })), world));
    const [inside = ''] = await runFargateTasks(world.clients, world.cluster, world.taskDefinition, 1, [allowed]);
    const [outside = ''] = await runFargateTasks(world.clients, world.cluster, world.taskDefinition, 1, [other]);
    await world.emulator.ecs.waitForTaskStatus(inside, 'RUNNING');
    await world.emulator.ecs.waitForTaskStatus(outside, 'RUNNING');
    const deps = roleDeps('event', { MIRROR_ENI_RETRY_ATTEMPTS: '1' });
    // act
    const mirrored = await handleOne(world.eventOf(inside, 'RUNNING'), deps);
    const refused = await handleOne(world.eventOf(outside, 'RUNNING'), deps);
    // assess
    expect(onlyEni(mirrored).outcome).toBe('created');
    expect(JSON.stringify(refused)).toContain('UnauthorizedOperation');
    expect(await world.sessionsOnEni(world.eniOf(outside))).toEqual([]);
    expect(world.emulator.iam.denials()).toEqual([
      expect.objectContaining({ accessKeyId: ROLE_ACCESS_KEYS.event, action: 'ec2:CreateTrafficMirrorSession', resource: expect.stringContaining(world.eniOf(outside)) }),
    ]);
  });
});

describe('a 255-character cluster name', () => {
  it('is mirrored end to end with every tag value within EC2 limits, and the sweep keeps the session', async () => {
    // prepare
    world = await startWorld();
    const name = `c${'0123456789'.repeat(25)}abcd`;
    expect(name).toHaveLength(255);
    world.emulator.iam.setPolicies(worldIamPolicies(synthesizedPolicies(constructProps('report', { clusters: [name] })), world));
    const cluster = await createCluster(world.clients, name);
    const taskArn = await world.runningTask({ cluster });
    const scope = { MIRROR_CLUSTERS: cluster };
    // act
    const result = await handleOne(world.eventOf(taskArn, 'RUNNING'), roleDeps('event', scope));
    const sweep = await reconcile(roleDeps('reconcile', scope), { dryRun: false });
    // assess
    expect(onlyEni(result).outcome).toBe('created');
    const [session] = await world.sessionsOnEni(world.eniOf(taskArn));
    const tags = tagsOf(session ?? {});
    for (const value of Object.values(tags)) expect([...value].length).toBeLessThanOrEqual(256);
    expect(tags[CLUSTER_TAG]).toBe(name);
    expect(tags[TASK_ARN_TAG]?.endsWith(taskArn.split('/').pop() ?? '')).toBe(true);
    expect(sweep).toMatchObject({ failures: [], deleted: [], created: [] });
    expect(world.emulator.iam.denials()).toEqual([]);
  });
});
