import {
  CreateTrafficMirrorSessionCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTrafficMirrorSessionsCommand,
  paginateDescribeInstances,
  RunInstancesCommand,
  type _InstanceType,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isNitroInstanceType } from '../../src/emulator/instances.js';
import { expectEc2Error, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ timing: { stepDelayMs: 20 } });
});
afterEach(async () => {
  await h.close();
});

const run = (input: { InstanceType?: string; Count?: number } = {}) =>
  h.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-0123456789abcdef0',
      InstanceType: (input.InstanceType ?? 'c5.large') as _InstanceType,
      MinCount: input.Count ?? 1,
      MaxCount: input.Count ?? 1,
      SubnetId: h.subnetId,
    }),
  );

describe('RunInstances / DescribeInstances / TerminateInstances', () => {
  it('launches pending instances with a primary ENI that DescribeNetworkInterfaces shows attached', async () => {
    const reservation = await run({ Count: 2 });
    expect(reservation.ReservationId).toMatch(/^r-[0-9a-f]{17}$/);
    expect(reservation.Instances).toHaveLength(2);
    const [instance] = reservation.Instances ?? [];
    expect(instance).toMatchObject({ InstanceType: 'c5.large', SubnetId: h.subnetId, State: { Code: 0, Name: 'pending' }, Hypervisor: 'xen' });
    const primary = instance?.NetworkInterfaces?.[0];
    expect(primary).toMatchObject({ InterfaceType: 'interface', Attachment: { DeviceIndex: 0, DeleteOnTermination: true } });
    const enis = await h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [primary?.NetworkInterfaceId ?? ''] }));
    expect(enis.NetworkInterfaces?.[0]).toMatchObject({
      InterfaceType: 'interface',
      SubnetId: h.subnetId,
      Attachment: { InstanceId: instance?.InstanceId, DeviceIndex: 0, Status: 'attached' },
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    const described = await h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance?.InstanceId ?? ''] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 16, Name: 'running' });
  });

  it('filters by id, state, subnet, VPC and ENI id, and pages with MaxResults', async () => {
    const launched = (await run({ Count: 7 })).Instances ?? [];
    const [first] = launched;
    const eniId = first?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
    const byEni = await h.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'network-interface.network-interface-id', Values: [eniId] }] }));
    expect(byEni.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([first?.InstanceId]);
    const vpcId = first?.VpcId ?? '';
    const bySubnetAndVpc = await h.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'subnet-id', Values: [h.subnetId] }, { Name: 'vpc-id', Values: [vpcId] }, { Name: 'instance-state-name', Values: ['pending', 'running'] }] }),
    );
    expect(bySubnetAndVpc.Reservations?.[0]?.Instances).toHaveLength(7);
    const ids: string[] = [];
    for await (const page of paginateDescribeInstances({ client: h.ec2, pageSize: 5 }, {})) {
      ids.push(...(page.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? ''));
    }
    expect(ids).toEqual(launched.map((i) => i.InstanceId));
    await expectEc2Error(h.ec2.send(new DescribeInstancesCommand({ InstanceIds: [first?.InstanceId ?? ''], MaxResults: 5 })), 'InvalidParameterCombination');
    await expectEc2Error(h.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound');
    await expectEc2Error(h.ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-nope'] })), 'InvalidInstanceID.Malformed');
  });

  it('terminates: shutting-down then terminated, the primary ENI deleted and its mirror sessions with it', async () => {
    const [instance] = (await run()).Instances ?? [];
    const eniId = instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
    await h.ec2.send(
      new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: eniId, TrafficMirrorTargetId: h.nlbTargetId(), TrafficMirrorFilterId: h.filterId(), SessionNumber: 1 }),
    );
    const terminated = await h.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instance?.InstanceId ?? ''] }));
    expect(terminated.TerminatingInstances?.[0]).toMatchObject({ CurrentState: { Code: 32, Name: 'shutting-down' }, PreviousState: { Name: expect.stringMatching(/^(pending|running)$/) } });
    await expectEc2Error(h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eniId] })), 'InvalidNetworkInterfaceID.NotFound');
    const sessions = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: [eniId] }] }));
    expect(sessions.TrafficMirrorSessions).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const described = await h.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['terminated'] }] }));
    expect(described.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(instance?.InstanceId);
  });

  it('answers NetworkInterfaceNotSupported for the primary ENI of a Xen instance, and mirrors a Nitro one', async () => {
    const [xen] = (await run({ InstanceType: 't2.micro' })).Instances ?? [];
    const [nitro] = (await run({ InstanceType: 'm5.large' })).Instances ?? [];
    const session = (eni: string | undefined) =>
      h.ec2.send(new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: eni, TrafficMirrorTargetId: h.nlbTargetId(), TrafficMirrorFilterId: h.filterId(), SessionNumber: 1 }));
    await expectEc2Error(session(xen?.NetworkInterfaces?.[0]?.NetworkInterfaceId), 'NetworkInterfaceNotSupported');
    const created = await session(nitro?.NetworkInterfaces?.[0]?.NetworkInterfaceId);
    expect(created.TrafficMirrorSession?.NetworkInterfaceId).toBe(nitro?.NetworkInterfaces?.[0]?.NetworkInterfaceId);
  });

  it('lands some launches on hosts that cannot mirror at nonNitroInstanceRate', async () => {
    h.emulator.setFaults({ nonNitroInstanceRate: 1 });
    const [instance] = (await run({ InstanceType: 'm5.large' })).Instances ?? [];
    await expectEc2Error(
      h.ec2.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId,
          TrafficMirrorTargetId: h.nlbTargetId(),
          TrafficMirrorFilterId: h.filterId(),
          SessionNumber: 1,
        }),
      ),
      'NetworkInterfaceNotSupported',
    );
  });

  it('knows the Xen families from the Nitro page, and takes unknown families as Nitro', () => {
    expect(['t2.micro', 'm4.large', 'c4.xlarge', 'i3.large'].map(isNitroInstanceType)).toEqual([false, false, false, false]);
    expect(['t3.micro', 'm5.large', 'c7g.large', 'i3.metal', 'zz9.large'].map(isNitroInstanceType)).toEqual([true, true, true, true, true]);
  });

  it('validates MinCount/MaxCount and the subnet', async () => {
    await expectEc2Error(h.ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', MinCount: 2, MaxCount: 1 })), 'InvalidParameterValue');
    await expectEc2Error(h.ec2.send(new RunInstancesCommand({ ImageId: 'ami-1', MinCount: 1, MaxCount: 1, SubnetId: 'subnet-0000000000000000f' })), 'InvalidSubnetID.NotFound');
  });
});
