import { CreateTrafficMirrorSessionCommand, DescribeSubnetsCommand, DescribeTrafficMirrorSessionsCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkEc2Mirroring } from '../../src/aws/ec2-mirroring.js';
import { MANAGED_TAG, MANAGED_TAG_VALUE } from '../../src/contract/tags.js';
import { startHarness, type Harness } from './helpers.js';

let h: Harness;
let adapter: SdkEc2Mirroring;
beforeEach(async () => {
  h = await startHarness();
  adapter = new SdkEc2Mirroring(h.ec2);
});
afterEach(async () => {
  await h.close();
});

async function session(targetId: string, filterId: string, managed: boolean, extra: { PacketLength?: number; VirtualNetworkId?: number } = {}): Promise<string> {
  const eni = h.eni();
  const output = await h.ec2.send(new CreateTrafficMirrorSessionCommand({
    NetworkInterfaceId: eni.networkInterfaceId,
    TrafficMirrorTargetId: targetId,
    TrafficMirrorFilterId: filterId,
    SessionNumber: 1,
    ...extra,
    ...(managed ? { TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: [{ Key: MANAGED_TAG, Value: MANAGED_TAG_VALUE }] }] } : {}),
  }));
  return output.TrafficMirrorSession?.TrafficMirrorSessionId ?? '';
}

describe('the desired-state calls of the EC2 adapter, over the wire', () => {
  it('lists our sessions on every target and none of anyone else', async () => {
    const [first, second, filter] = [h.nlbTargetId(), h.nlbTargetId(), h.filterId()];
    const ours = [await session(first, filter, true), await session(second, filter, true)];
    await session(first, filter, false);
    const listed: string[] = [];
    for await (const page of adapter.listManagedSessions()) listed.push(...page.map((s) => s.sessionId));
    expect(listed.sort()).toEqual([...ours].sort());
  });

  it('modifies a session in place and removes fields with null', async () => {
    const [first, second, filter, otherFilter] = [h.nlbTargetId(), h.nlbTargetId(), h.filterId(), h.filterId()];
    const id = await session(first, filter, true, { PacketLength: 128, VirtualNetworkId: 7 });
    const modified = await adapter.modifySession(id, { targetId: second, filterId: otherFilter, sessionNumber: 5, packetLength: null, virtualNetworkId: 9 });
    expect(modified).toMatchObject({ sessionId: id, targetId: second, filterId: otherFilter, sessionNumber: 5, virtualNetworkId: 9 });
    // RemoveFields sets the default: an NLB target's is the whole packet, reported as 8500.
    expect(modified.packetLength).toBe(8500);
    const described = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ TrafficMirrorSessionIds: [id] }));
    expect(described.TrafficMirrorSessions?.[0]).toMatchObject({ TrafficMirrorTargetId: second, SessionNumber: 5, VirtualNetworkId: 9 });
  });

  it('describes targets with their source limit and counts their sources', async () => {
    const nlb = h.nlbTargetId();
    const targetEni = h.eni();
    const eniTarget = h.emulator.ec2.createTarget({ networkInterfaceId: targetEni.networkInterfaceId }).trafficMirrorTarget.trafficMirrorTargetId;
    const filter = h.filterId();
    await session(eniTarget, filter, true);
    await session(eniTarget, filter, false);
    await session(nlb, filter, true);
    const targets = await adapter.describeTargets([nlb, eniTarget, 'tmt-0123456789abcdef0']);
    expect(targets).toEqual(expect.arrayContaining([
      { targetId: nlb, type: 'network-load-balancer' },
      { targetId: eniTarget, type: 'network-interface', networkInterfaceId: targetEni.networkInterfaceId, maxSources: 10 },
    ]));
    expect(targets).toHaveLength(2);
    expect(Object.fromEntries(await adapter.countSourcesForTargets([nlb, eniTarget]))).toEqual({ [nlb]: 1, [eniTarget]: 2 });
  });

  it('gives each subnet its AZ id, the same one DescribeSubnets shows', async () => {
    const all = await h.ec2.send(new DescribeSubnetsCommand({}));
    const subnets = all.Subnets ?? [];
    expect(subnets.map((s) => s.AvailabilityZoneId).sort()).toEqual(['use1-az1', 'use1-az2', 'use1-az3']);
    const zones = await adapter.subnetAvailabilityZoneIds([...subnets.map((s) => s.SubnetId ?? ''), 'subnet-0123456789abcdef0']);
    expect(Object.fromEntries(zones)).toEqual(Object.fromEntries(subnets.map((s) => [s.SubnetId, s.AvailabilityZoneId])));
    const byZone = await h.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone-id', Values: ['use1-az2'] }] }));
    expect(byZone.Subnets?.map((s) => s.AvailabilityZone)).toEqual(['us-east-1b']);
  });
});
