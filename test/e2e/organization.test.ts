import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleMemberTaskEvents } from '../../src/app/handle-member-events.js';
import { reconcileMembers } from '../../src/app/reconcile-members.js';
import { composeMemberDeps } from '../../src/aws/compose-members.js';
import { loadConfig } from '../../src/config/from-env.js';
import { loadHubConfig } from '../../src/config/members.js';
import { METRIC } from '../../src/contract/metrics.js';
import { memberKeyText, type MemberKey } from '../../src/core/member.js';
import { startOrgWorld, EXTERNAL_ID, HUB_ACCOUNT, HUB_REGION, type OrgWorld } from '../../src/demo/org-world.js';
import type { EcsTaskStateChangeEvent } from '../../src/emulator/context.js';
import { QueueDelivery } from '../../src/emulator/event-delivery.js';
import type { EmulatedRoles } from '../../src/emulator/org/index.js';
import type { LogAttributes, Logger, Metrics } from '../../src/ports/index.js';
import { CliRunner } from './support/cli.js';
import { synthesizedMemberRoles } from './support/member-roles.js';
import { FAST_TIMING, WAIT_MS } from './support/world.js';

const GOOD = ['222222222222', '333333333333', '444444444444'];
const BROKEN = '555555555555';
const REGIONS = ['us-east-1', 'eu-west-1'];

function recordingLogger(): Logger & { errors: { message: string; attributes: LogAttributes }[] } {
  const errors: { message: string; attributes: LogAttributes }[] = [];
  const ignore = () => {};
  return { debug: ignore, info: ignore, warn: ignore, error: (message, attributes = {}) => errors.push({ message, attributes }), errors };
}

function countingMetrics(): Metrics & { counts: Map<string, number> } {
  const counts = new Map<string, number>();
  return { count: (name, value = 1) => counts.set(name, (counts.get(name) ?? 0) + value), percent: () => {}, flush: () => {}, counts };
}

/** Sessions on each ENI of the member's running tasks, read in the member's own EC2 (in-process). */
function coverageOf(world: OrgWorld, member: MemberKey): { enis: number; mirrored: number; owners: Set<string>; targets: Set<string> } {
  const cell = world.emulator.org.cells.get(member.accountId, member.region);
  const owners = new Set<string>();
  const targets = new Set<string>();
  let enis = 0;
  let mirrored = 0;
  for (const task of cell.ecs.tasksWantedRunning()) {
    const attachments = (task['attachments'] as { details?: { name: string; value: string }[] }[] | undefined) ?? [];
    for (const attachment of attachments) {
      const eni = attachment.details?.find((d) => d.name === 'networkInterfaceId')?.value;
      if (!eni) continue;
      enis++;
      const sessions = cell.ec2.describeSessions({ filters: [{ name: 'network-interface-id', values: [eni] }] }).items;
      if (sessions.length === 1) mirrored++;
      for (const session of sessions) {
        owners.add(session.ownerId);
        targets.add(session.trafficMirrorTargetId);
      }
    }
  }
  return { enis, mirrored, owners, targets };
}

describe('one hub, members in three accounts and two Regions', () => {
  let world: OrgWorld;
  let roles: EmulatedRoles;
  const cli = new CliRunner();
  beforeAll(async () => {
    world = await startOrgWorld({ accounts: [...GOOD, BROKEN], regions: REGIONS, untrusting: [BROKEN], emulator: { timing: FAST_TIMING } });
    // Every call under a member role is evaluated against the role its Member stacks synthesize;
    // the broken member's stacks were deployed with another external id than the hub presents.
    roles = synthesizedMemberRoles(world, { externalIdOf: (accountId) => (accountId === BROKEN ? 'another-external-id' : EXTERNAL_ID) });
    world.emulator.org.setRoles(roles);
  }, 120_000);
  afterAll(async () => {
    cli.killAll();
    await world?.close();
  });

  it('mirrors every member ENI in its own account; the member it cannot assume fails alone, loudly, into the DLQ', async () => {
    const logger = recordingLogger();
    const metrics = countingMetrics();
    const env = world.env;
    const members = composeMemberDeps({
      config: loadConfig(env),
      hub: loadHubConfig(env),
      logger,
      metrics,
      aws: { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials },
    });
    // EventBridge → SQS → Lambda as the Hub construct deploys it, with a short visibility timeout.
    const queue = new QueueDelivery(
      async (bodies) => (await handleMemberTaskEvents(bodies, members, { logger, metrics })).map((result) => result.failure !== undefined),
      { batchSize: 50, batchWindowMs: 20, maxConcurrency: 2, visibilityTimeoutMs: 50, maxReceiveCount: 3 },
    );
    const unsubscribe = world.emulator.org.buses.subscribe({ accountId: HUB_ACCOUNT, region: HUB_REGION }, (event) => queue.send(event));
    try {
      for (const member of world.members) await world.runTasks(member, 3);
      for (const member of world.members) await world.emulator.org.cells.get(member.accountId, member.region).ecs.idle(WAIT_MS);
      await queue.drained();
    } finally {
      unsubscribe();
      queue.close();
    }

    for (const member of world.members.filter((m) => m.accountId !== BROKEN)) {
      const coverage = coverageOf(world, member);
      expect(coverage.enis, memberKeyText(member)).toBe(3);
      expect(coverage.mirrored, memberKeyText(member)).toBe(3);
      // Each session lives in the ENI's own account, to the target the hub shared in that Region.
      expect(coverage.owners).toEqual(new Set([member.accountId]));
      expect(coverage.targets).toEqual(new Set([world.mirror.get(memberKeyText(member))?.targetId]));
    }
    for (const region of REGIONS) expect(coverageOf(world, { accountId: BROKEN, region }).mirrored).toBe(0);
    // The synthesized member role grants everything the hub did in every member × Region.
    expect(world.emulator.org.cells.all().flatMap((cell) => cell.iam.denials())).toEqual([]);

    const dead = queue.deadLettered() as EcsTaskStateChangeEvent[];
    expect(dead.length).toBeGreaterThan(0);
    expect(new Set(dead.map((event) => event.account))).toEqual(new Set([BROKEN]));
    expect(new Set(dead.map((event) => event.region))).toEqual(new Set(REGIONS));
    expect(metrics.counts.get(METRIC.memberUnreachable)).toBeGreaterThan(0);
    const loud = logger.errors.filter((entry) => entry.attributes['awsCode'] === 'AccessDenied');
    expect(new Set(loud.map((entry) => entry.attributes['member']))).toEqual(new Set(REGIONS.map((region) => `${BROKEN}/${region}`)));
  }, 60_000);

  it('sweeps every registered member × Region, reports the one it cannot reach', async () => {
    const logger = recordingLogger();
    const env = world.env;
    const members = composeMemberDeps({
      config: loadConfig(env),
      hub: loadHubConfig(env),
      logger,
      metrics: countingMetrics(),
      aws: { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials },
    });
    const sweeps = await reconcileMembers(members.members, members, { logger, metrics: countingMetrics() }, { dryRun: true });
    expect(sweeps.map((s) => `${memberKeyText(s.member)} ${s.outcome}`)).toEqual(world.members.map((m) => `${memberKeyText(m)} ${m.accountId === BROKEN ? 'failed' : 'swept'}`));
    for (const sweep of sweeps) {
      if (sweep.outcome === 'failed') expect(sweep.awsCode).toBe('AccessDenied');
      else expect(sweep.report.clusters.map((c) => [c.cluster, c.enis, c.mirrored])).toEqual([['apps', 3, 3]]);
    }
    expect(world.emulator.org.cells.all().flatMap((cell) => cell.iam.denials())).toEqual([]);
  });

  it('ecs-mirror status --accounts --regions --role-name prints one row per account × Region and a total', async () => {
    const env = {
      ...world.env,
      AWS_ENDPOINT_URL: world.emulator.url,
      AWS_REGION: HUB_REGION,
      AWS_ACCESS_KEY_ID: world.hubCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: world.hubCredentials.secretAccessKey,
    };
    const run = await cli.run(['status', '--accounts', [...GOOD, BROKEN].join(','), '--regions', REGIONS.join(','), '--role-name', 'ecs-traffic-mirror-member'], env, 60_000);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^account\s+region\s+tasks\s+enis\s+mirrored\s+unsupported\s+missing\s+coverage$/);
    for (const account of GOOD) {
      for (const region of REGIONS) expect(lines.some((line) => new RegExp(`^${account}\\s+${region}\\s+3\\s+3\\s+3\\s+0\\s+0\\s+100\\.0%$`).test(line)), `${account} ${region}`).toBe(true);
    }
    const brokenRows = lines.filter((line) => line.startsWith(`${BROKEN} `));
    expect(brokenRows).toHaveLength(2);
    for (const row of brokenRows) expect(row).toMatch(/not swept: AccessDenied$/);
    expect(run.stdout).toContain(`${BROKEN}/eu-west-1: NOT SWEPT: AssumeRole arn:aws:iam::${BROKEN}:role/ecs-traffic-mirror-member failed: AccessDenied`);
    expect(lines.find((line) => line.startsWith('total'))).toMatch(/^total\s+2 not swept\s+18\s+18\s+18\s+0\s+0\s+100\.0%$/);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${BROKEN}/us-east-1: not swept`);
    expect(run.stdout + run.stderr).not.toContain('secretAccessKey');
    // Under the member role as synthesized: the target and filter check is granted too.
    expect(world.emulator.org.cells.all().flatMap((cell) => cell.iam.denials())).toEqual([]);
  }, 60_000);

  it.each([
    [['--accounts', '12345'], "'12345' is not an account id"],
    [['--accounts', '222222222222', '--regions', 'Mars'], "'Mars' is not a Region name"],
    [['--accounts', '222222222222', '--role-name', 'bad role'], 'is not a role name'],
    [['--regions', 'us-east-1'], '--regions, --role-name and --external-id go with --accounts'],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await cli.run(['status', ...args], { ...world.env, AWS_ENDPOINT_URL: world.emulator.url, AWS_REGION: HUB_REGION }, 30_000);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  }, 30_000);
});
