import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleMemberTaskEvents } from '../../src/app/handle-member-events.js';
import { composeMemberDeps } from '../../src/aws/compose-members.js';
import { loadConfig } from '../../src/config/from-env.js';
import { loadHubConfig } from '../../src/config/members.js';
import { memberKeyText } from '../../src/core/member.js';
import { startOrgWorld, HUB_ACCOUNT, HUB_REGION, type OrgWorld } from '../../src/demo/org-world.js';
import type { EcsTaskStateChangeEvent } from '../../src/emulator/context.js';
import { QueueDelivery } from '../../src/emulator/event-delivery.js';
import { noMetrics, silentLogger } from '../../src/ports/index.js';
import { synthesizedMemberRoles, withoutStatement } from './support/member-roles.js';
import { FAST_TIMING, WAIT_MS } from './support/world.js';

const GOOD = '222222222222';
const UNGRANTED = '333333333333';
const REGION = 'us-east-1';

/**
 * The evaluation of the member role's synthesized policy is live: a member whose role lacks the
 * grant to create sessions to the shared target is refused by EC2 under that role, its events
 * reach the dead-letter queue, and the other member converges.
 */
describe('a member role without CreateSessionToTarget', () => {
  let world: OrgWorld;
  beforeAll(async () => {
    world = await startOrgWorld({ accounts: [GOOD, UNGRANTED], regions: [REGION], emulator: { timing: FAST_TIMING } });
    world.emulator.org.setRoles(
      synthesizedMemberRoles(world, { edit: (accountId, role) => (accountId === UNGRANTED ? withoutStatement(role, 'CreateSessionToTarget') : role) }),
    );
  }, 120_000);
  afterAll(async () => {
    await world?.close();
  });

  it("fails that member's events with UnauthorizedOperation into the DLQ while the other converges", async () => {
    const members = composeMemberDeps({
      config: loadConfig({ ...world.env, MIRROR_ENI_RETRY_ATTEMPTS: '1' }),
      hub: loadHubConfig(world.env),
      logger: silentLogger,
      metrics: noMetrics,
      aws: { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials },
    });
    const failures: string[] = [];
    const queue = new QueueDelivery(
      async (bodies) =>
        (await handleMemberTaskEvents(bodies, members, { logger: silentLogger, metrics: noMetrics })).map((result) => {
          if (result.failure) failures.push(JSON.stringify(result.failure));
          return result.failure !== undefined;
        }),
      { batchSize: 50, batchWindowMs: 20, maxConcurrency: 2, visibilityTimeoutMs: 50, maxReceiveCount: 3 },
    );
    const unsubscribe = world.emulator.org.buses.subscribe({ accountId: HUB_ACCOUNT, region: HUB_REGION }, (event) => queue.send(event));
    try {
      for (const member of world.members) await world.runTasks(member, 2);
      for (const member of world.members) await world.emulator.org.cells.get(member.accountId, member.region).ecs.idle(WAIT_MS);
      await queue.drained();
    } finally {
      unsubscribe();
      queue.close();
    }

    const sessionsIn = (accountId: string) => world.emulator.org.cells.get(accountId, REGION).ec2.describeSessions({}).items;
    expect(sessionsIn(GOOD)).toHaveLength(2);
    expect(sessionsIn(UNGRANTED)).toEqual([]);
    const dead = queue.deadLettered() as EcsTaskStateChangeEvent[];
    expect(dead.length).toBeGreaterThan(0);
    expect(new Set(dead.map((event) => event.account))).toEqual(new Set([UNGRANTED]));
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) expect(failure).toContain('UnauthorizedOperation');
    // Refused by IAM on the target's ARN, in the member's own account, under the assumed role's key.
    const target = world.mirror.get(memberKeyText({ accountId: UNGRANTED, region: REGION }))?.targetId ?? '';
    const denials = world.emulator.org.cells.get(UNGRANTED, REGION).iam.denials();
    expect(denials.length).toBeGreaterThan(0);
    expect(new Set(denials.map((denial) => `${denial.action} ${denial.resource}`))).toEqual(
      new Set([`ec2:CreateTrafficMirrorSession arn:aws:ec2:${REGION}:${HUB_ACCOUNT}:traffic-mirror-target/${target}`]),
    );
    expect(new Set(denials.map((denial) => denial.accessKeyId.slice(0, 4)))).toEqual(new Set(['ASIA']));
    expect(world.emulator.org.cells.get(GOOD, REGION).iam.denials()).toEqual([]);
  }, 60_000);
});
