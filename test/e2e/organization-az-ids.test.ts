import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { handleMemberTaskEvents } from '../../src/app/handle-member-events.js';
import { composeMemberDeps } from '../../src/aws/compose-members.js';
import { loadConfig } from '../../src/config/from-env.js';
import { loadHubConfig } from '../../src/config/members.js';
import { ENV } from '../../src/contract/variables.js';
import type { MirrorRule } from '../../src/core/rules.js';
import { memberKeyText, type MemberKey } from '../../src/core/member.js';
import { HUB_ACCOUNT, HUB_REGION, startOrgWorld, type OrgWorld } from '../../src/demo/org-world.js';
import { createMirrorTargetAndFilter, runFargateTasks } from '../../src/demo/world.js';
import { QueueDelivery } from '../../src/emulator/event-delivery.js';
import type { Logger, Metrics } from '../../src/ports/index.js';
import { FAST_TIMING, WAIT_MS } from './support/world.js';

// Two members whose `us-east-1a` are different zones: the emulator maps names to ids per account,
// drawn from the account id (222222222222: a = az2, b = az3, c = az1; 333333333333: a = az1, b = az3, c = az2).
const MEMBERS = ['222222222222', '333333333333'];
const ZONE_IDS = ['use1-az1', 'use1-az2', 'use1-az3'];
const quiet: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const noMetrics: Metrics = { count: () => {}, percent: () => {}, flush: () => {} };

/** One target per AZ id in the central (hub) account, each shared with every member (RAM). */
async function sharedTargetsByZoneId(world: OrgWorld): Promise<Record<string, string>> {
  const config = { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials, maxAttempts: 3 };
  const hub = { ec2: new EC2Client(config), ecs: new ECSClient(config) };
  try {
    const byZone: Record<string, string> = {};
    for (const [index, zoneId] of ZONE_IDS.entries()) {
      const nlb = `arn:aws:elasticloadbalancing:${HUB_REGION}:${HUB_ACCOUNT}:loadbalancer/net/ids-${zoneId}/${(index + 16).toString(16).padStart(16, '0')}`;
      const { targetId } = await createMirrorTargetAndFilter(hub, nlb);
      world.emulator.org.control('POST', '/_emulator/org/share-target', { ownerAccountId: HUB_ACCOUNT, region: HUB_REGION, targetId, accountIds: MEMBERS });
      byZone[zoneId] = targetId;
    }
    return byZone;
  } finally {
    hub.ec2.destroy();
    hub.ecs.destroy();
  }
}

/** Runs one task in each of the member's subnets and lets the hub handle their events (EventBridge → SQS → Lambda). */
async function runOneTaskPerSubnet(world: OrgWorld, rules: readonly MirrorRule[]): Promise<void> {
  const env = { ...world.env, [ENV.rules]: JSON.stringify({ rules }) };
  const members = composeMemberDeps({
    config: loadConfig(env),
    hub: loadHubConfig(env),
    logger: quiet,
    metrics: noMetrics,
    aws: { endpoint: world.emulator.url, region: HUB_REGION, credentials: world.hubCredentials },
  });
  const queue = new QueueDelivery(
    async (bodies) => (await handleMemberTaskEvents(bodies, members, { logger: quiet, metrics: noMetrics })).map((result) => result.failure !== undefined),
    { batchSize: 50, batchWindowMs: 20, maxConcurrency: 2, visibilityTimeoutMs: 50, maxReceiveCount: 3 },
  );
  const unsubscribe = world.emulator.org.buses.subscribe({ accountId: HUB_ACCOUNT, region: HUB_REGION }, (event) => queue.send(event));
  try {
    for (const member of world.members) {
      for (const subnet of world.mirror.get(memberKeyText(member))?.subnets ?? []) await runFargateTasks(world.clientsOf(member), 'apps', 'web', 1, [subnet]);
    }
    for (const member of world.members) await world.emulator.org.cells.get(member.accountId, member.region).ecs.idle(WAIT_MS);
    await queue.drained();
    expect(queue.deadLettered()).toEqual([]);
  } finally {
    unsubscribe();
    queue.close();
  }
}

interface EniOutcome {
  readonly zoneName: string;
  readonly zoneId: string;
  /** The targets of the sessions on the ENI (in the member's own account). */
  readonly targets: readonly string[];
}

/** Every running task ENI of the member, with its zone as the member's account names it and its sessions. */
function outcomesOf(world: OrgWorld, member: MemberKey): EniOutcome[] {
  const cell = world.emulator.org.cells.get(member.accountId, member.region);
  return [...cell.network.enis.values()]
    .map((eni) => ({
      zoneName: eni.availabilityZone,
      zoneId: eni.availabilityZoneId,
      targets: cell.ec2.describeSessions({ filters: [{ name: 'network-interface-id', values: [eni.networkInterfaceId] }] }).items.map((s) => s.trafficMirrorTargetId),
    }))
    .sort((a, b) => a.zoneName.localeCompare(b.zoneName));
}

describe('a hub chooses per-AZ targets by AZ id, not by AZ name, across member accounts', () => {
  let world: OrgWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('puts each ENI on the target of its AZ id, although us-east-1a is another zone in each member', async () => {
    // prepare
    world = await startOrgWorld({ accounts: MEMBERS, regions: [HUB_REGION], emulator: { timing: FAST_TIMING } });
    const byZone = await sharedTargetsByZoneId(world);
    const members = world.members;
    // act
    await runOneTaskPerSubnet(world, [{ targetsByAz: Object.fromEntries(ZONE_IDS.map((id) => [id, [byZone[id] ?? '']])) }]);
    // assess
    const outcomes = members.map((member) => outcomesOf(world as OrgWorld, member));
    for (const eniOutcomes of outcomes) {
      expect(eniOutcomes.map((o) => o.zoneName)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
      for (const outcome of eniOutcomes) expect(outcome.targets).toEqual([byZone[outcome.zoneId]]);
    }
    // The same AZ name is two zones here, so a choice by name would have put one of them on the wrong target.
    const [first, second] = outcomes.map((eniOutcomes) => eniOutcomes.find((o) => o.zoneName === 'us-east-1a'));
    expect(first?.zoneId).not.toBe(second?.zoneId);
    expect(first?.targets).not.toEqual(second?.targets);
  }, 60_000);

  it('mirrors only the ENIs whose AZ id a rule matches, whatever the zone is called in their account', async () => {
    // prepare
    world = await startOrgWorld({ accounts: MEMBERS, regions: [HUB_REGION], emulator: { timing: FAST_TIMING } });
    const byZone = await sharedTargetsByZoneId(world);
    const target = byZone['use1-az1'] ?? '';
    // act
    await runOneTaskPerSubnet(world, [{ match: { availabilityZoneIds: ['use1-az1'] }, targetId: target }, { mirror: false }]);
    // assess
    const mirroredZones = world.members.map((member) =>
      outcomesOf(world as OrgWorld, member)
        .filter((o) => o.targets.length > 0)
        .map((o) => [o.zoneName, o.zoneId, o.targets]),
    );
    expect(mirroredZones).toEqual([[['us-east-1c', 'use1-az1', [target]]], [['us-east-1a', 'use1-az1', [target]]]]);
  }, 60_000);
});
