import {
  CreateTrafficMirrorSessionCommand,
  DeleteTrafficMirrorSessionCommand,
  DescribeNetworkInterfacesCommand,
  DescribeTrafficMirrorSessionsCommand,
  ModifyTrafficMirrorSessionCommand,
  type CreateTrafficMirrorSessionCommandInput,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SdkEc2Mirroring } from '../../src/aws/ec2-mirroring.js';
import { expectEc2Error, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function sessionInput(
  eniId: string,
  overrides: Partial<CreateTrafficMirrorSessionCommandInput> = {},
): CreateTrafficMirrorSessionCommandInput {
  return {
    NetworkInterfaceId: eniId,
    TrafficMirrorTargetId: overrides.TrafficMirrorTargetId ?? h.nlbTargetId(),
    TrafficMirrorFilterId: overrides.TrafficMirrorFilterId ?? h.filterId(),
    SessionNumber: 1,
    ...overrides,
  };
}

describe('CreateTrafficMirrorSession round trip', () => {
  it('creates a session with AWS-shaped ids and describes it by ENI', async () => {
    const eni = h.eni();
    const created = await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(
        sessionInput(eni.networkInterfaceId, {
          PacketLength: 128,
          VirtualNetworkId: 42,
          Description: 'task <1> & "friends"',
          TagSpecifications: [
            { ResourceType: 'traffic-mirror-session', Tags: [{ Key: 'ecs-traffic-mirror:managed', Value: 'true' }] },
          ],
        }),
      ),
    );
    const session = created.TrafficMirrorSession;
    expect(session?.TrafficMirrorSessionId).toMatch(/^tms-[0-9a-f]{17}$/);
    expect(session?.TrafficMirrorTargetId).toMatch(/^tmt-[0-9a-f]{17}$/);
    expect(session?.TrafficMirrorFilterId).toMatch(/^tmf-[0-9a-f]{17}$/);
    expect(session).toMatchObject({
      NetworkInterfaceId: eni.networkInterfaceId,
      OwnerId: h.emulator.accountId,
      SessionNumber: 1,
      PacketLength: 128,
      VirtualNetworkId: 42,
      Description: 'task <1> & "friends"',
      Tags: [{ Key: 'ecs-traffic-mirror:managed', Value: 'true' }],
    });

    const described = await h.ec2.send(
      new DescribeTrafficMirrorSessionsCommand({
        Filters: [{ Name: 'network-interface-id', Values: [eni.networkInterfaceId] }],
      }),
    );
    expect(described.TrafficMirrorSessions).toEqual([session]);
    expect(described.NextToken).toBeUndefined();
  });

  it('assigns a random VNI when none is given', async () => {
    const created = await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId)));
    const vni = created.TrafficMirrorSession?.VirtualNetworkId ?? -1;
    expect(vni).toBeGreaterThanOrEqual(0);
    expect(vni).toBeLessThanOrEqual(16_777_215);
  });

  it('deletes a session, then answers NotFound for it', async () => {
    const created = await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId)));
    const id = created.TrafficMirrorSession?.TrafficMirrorSessionId ?? '';
    const deleted = await h.ec2.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: id }));
    expect(deleted.TrafficMirrorSessionId).toBe(id);
    await expectEc2Error(
      h.ec2.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: id })),
      'InvalidTrafficMirrorSessionId.NotFound',
      400,
    );
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ TrafficMirrorSessionIds: [id] })),
      'InvalidTrafficMirrorSessionId.NotFound',
    );
  });
});

describe('DescribeTrafficMirrorSessions', () => {
  async function seed(): Promise<{ eniIds: string[]; targetIds: string[]; filterId: string; ids: string[] }> {
    const targetIds = [h.nlbTargetId(), h.nlbTargetId()];
    const filterId = h.filterId();
    const eniIds = [h.eni().networkInterfaceId, h.eni().networkInterfaceId, h.eni().networkInterfaceId];
    const ids: string[] = [];
    for (const [index, eniId] of eniIds.entries()) {
      for (const sessionNumber of [1, 2]) {
        const { trafficMirrorSession } = h.emulator.ec2.createSession({
          networkInterfaceId: eniId,
          trafficMirrorTargetId: targetIds[sessionNumber - 1] ?? '',
          trafficMirrorFilterId: filterId,
          sessionNumber,
          virtualNetworkId: 100 + index,
          packetLength: sessionNumber === 1 ? 9 : undefined,
          description: `session ${index}-${sessionNumber}`,
          tags: { owner: index === 0 ? 'us' : 'them' },
        });
        ids.push(trafficMirrorSession.trafficMirrorSessionId);
      }
    }
    return { eniIds, targetIds, filterId, ids };
  }

  async function describeIds(filters: { Name: string; Values: string[] }[]): Promise<string[]> {
    const out = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: filters }));
    return (out.TrafficMirrorSessions ?? []).map((s) => s.TrafficMirrorSessionId ?? '');
  }

  it('honours every documented filter, ORs values and ANDs filters', async () => {
    const { eniIds, targetIds, filterId, ids } = await seed();
    const [eni0, eni1] = eniIds;
    expect(await describeIds([{ Name: 'network-interface-id', Values: [eni0 ?? ''] }])).toEqual(ids.slice(0, 2));
    expect(await describeIds([{ Name: 'network-interface-id', Values: [eni1 ?? '', eni0 ?? ''] }])).toEqual(ids.slice(0, 4));
    expect(await describeIds([{ Name: 'traffic-mirror-target-id', Values: [targetIds[1] ?? ''] }])).toEqual([
      ids[1],
      ids[3],
      ids[5],
    ]);
    expect(await describeIds([{ Name: 'traffic-mirror-filter-id', Values: [filterId] }])).toEqual(ids);
    expect(await describeIds([{ Name: 'traffic-mirror-session-id', Values: [ids[4] ?? ''] }])).toEqual([ids[4]]);
    expect(await describeIds([{ Name: 'session-number', Values: ['2'] }])).toEqual([ids[1], ids[3], ids[5]]);
    expect(await describeIds([{ Name: 'virtual-network-id', Values: ['101'] }])).toEqual([ids[2], ids[3]]);
    expect(await describeIds([{ Name: 'owner-id', Values: [h.emulator.accountId] }])).toEqual(ids);
    expect(await describeIds([{ Name: 'packet-length', Values: ['9'] }])).toEqual([ids[0], ids[2], ids[4]]);
    expect(await describeIds([{ Name: 'description', Values: ['session 2-*'] }])).toEqual([ids[4], ids[5]]);
    expect(await describeIds([{ Name: 'tag:owner', Values: ['us'] }])).toEqual(ids.slice(0, 2));
    expect(
      await describeIds([
        { Name: 'network-interface-id', Values: [eni1 ?? ''] },
        { Name: 'session-number', Values: ['2'] },
      ]),
    ).toEqual([ids[3]]);
    expect(await describeIds([{ Name: 'network-interface-id', Values: ['eni-00000000000000000'] }])).toEqual([]);
  });

  // EC2 error codes page: FilterLimitExceeded, "The request uses too many filters or too many filter values";
  // 200 values per call is the limit EC2 states in that error's message.
  it('answers FilterLimitExceeded for more than 200 filter values in one call', async () => {
    const values = (n: number): string[] => Array.from({ length: n }, (_, i) => `eni-${i.toString(16).padStart(17, '0')}`);
    const ok = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: values(200) }] }));
    expect(ok.TrafficMirrorSessions).toEqual([]);
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: values(201) }] })),
      'FilterLimitExceeded',
    );
    // The limit counts values across all filters of the call.
    await expectEc2Error(
      h.ec2.send(
        new DescribeTrafficMirrorSessionsCommand({
          Filters: [
            { Name: 'network-interface-id', Values: values(150) },
            { Name: 'session-number', Values: values(51) },
          ],
        }),
      ),
      'FilterLimitExceeded',
    );
  });

  it('serves the product adapter, which batches its ENI and id filters under that limit', async () => {
    const target = h.nlbTargetId();
    const filter = h.filterId();
    const real = [h.eni().networkInterfaceId, h.eni().networkInterfaceId, h.eni().networkInterfaceId];
    const ids = real.map(
      (eni) => h.emulator.ec2.createSession({ networkInterfaceId: eni, trafficMirrorTargetId: target, trafficMirrorFilterId: filter, sessionNumber: 1 })
        .trafficMirrorSession.trafficMirrorSessionId,
    );
    const absent = Array.from({ length: 447 }, (_, i) => `eni-${i.toString(16).padStart(17, '0')}`);
    const adapter = new SdkEc2Mirroring(h.ec2);
    const byEni = await adapter.findSessionsForEnis([...absent.slice(0, 300), ...real, ...absent.slice(300)]);
    expect(byEni.map((s) => s.sessionId).sort()).toEqual([...ids].sort());
    const byId = await adapter.findSessionsByIds([...absent.map((_, i) => `tms-${i.toString(16).padStart(17, '0')}`), ...ids]);
    expect(byId.map((s) => s.sessionId).sort()).toEqual([...ids].sort());
  });

  it('rejects an unknown filter name', async () => {
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })),
      'InvalidParameterValue',
    );
  });

  it('pages with MaxResults and opaque NextToken, and returns everything without MaxResults', async () => {
    const target = h.nlbTargetId();
    const filter = h.filterId();
    const ids: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const eni = h.eni();
      ids.push(
        h.emulator.ec2.createSession({
          networkInterfaceId: eni.networkInterfaceId,
          trafficMirrorTargetId: target,
          trafficMirrorFilterId: filter,
          sessionNumber: 1,
        }).trafficMirrorSession.trafficMirrorSessionId,
      );
    }
    const all = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    expect(all.TrafficMirrorSessions).toHaveLength(12);
    expect(all.NextToken).toBeUndefined();

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: 5, NextToken: token }));
      seen.push(...(page.TrafficMirrorSessions ?? []).map((s) => s.TrafficMirrorSessionId ?? ''));
      token = page.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(ids);

    // A session deleted between pages does not disturb the cursor.
    const first = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: 5 }));
    h.emulator.ec2.deleteSession(ids[4] ?? '');
    const second = await h.ec2.send(
      new DescribeTrafficMirrorSessionsCommand({ MaxResults: 5, NextToken: first.NextToken }),
    );
    expect(second.TrafficMirrorSessions?.map((s) => s.TrafficMirrorSessionId)).toEqual(ids.slice(5, 10));
  });

  it('accepts MaxResults 5..1000 only and rejects a forged token', async () => {
    for (const bad of [0, 4, 1001]) {
      await expectEc2Error(
        h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: bad })),
        'InvalidParameterValue',
        400,
      );
    }
    for (const good of [5, 1000]) {
      const out = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: good }));
      expect(out.TrafficMirrorSessions).toEqual([]);
    }
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ MaxResults: 5, NextToken: 'not-a-token' })),
      'InvalidPaginationToken',
    );
  });

  it('answers DryRunOperation for a valid dry-run describe, the validation error otherwise', async () => {
    await expectEc2Error(h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ DryRun: true })), 'DryRunOperation', 412);
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorSessionsCommand({ DryRun: true, MaxResults: 1 })),
      'InvalidParameterValue',
    );
  });
});

describe('idempotency', () => {
  it('replays the original answer for the same token and parameters, even after deletion', async () => {
    const input = sessionInput(h.eni().networkInterfaceId, { ClientToken: 'eni-x+tmt-y' });
    const first = await h.ec2.send(new CreateTrafficMirrorSessionCommand(input));
    const second = await h.ec2.send(new CreateTrafficMirrorSessionCommand(input));
    expect(second.TrafficMirrorSession).toEqual(first.TrafficMirrorSession);
    expect(second.ClientToken).toBe('eni-x+tmt-y');
    expect(h.emulator.ec2.sessionCount()).toBe(1);

    await h.ec2.send(
      new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: first.TrafficMirrorSession?.TrafficMirrorSessionId }),
    );
    const third = await h.ec2.send(new CreateTrafficMirrorSessionCommand(input));
    expect(third.TrafficMirrorSession).toEqual(first.TrafficMirrorSession);
    expect(h.emulator.ec2.sessionCount()).toBe(0);
  });

  it('answers IdempotentParameterMismatch for the same token with other parameters', async () => {
    const input = sessionInput(h.eni().networkInterfaceId, { ClientToken: 'token-1' });
    await h.ec2.send(new CreateTrafficMirrorSessionCommand(input));
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand({ ...input, SessionNumber: 2 })),
      'IdempotentParameterMismatch',
      400,
    );
  });
});

describe('limits and validation', () => {
  it('allows 3 sessions per source ENI', async () => {
    const eni = h.eni().networkInterfaceId;
    for (const n of [1, 2, 3]) await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { SessionNumber: n })));
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { SessionNumber: 4 }))),
      'TrafficMirrorSessionsPerInterfaceLimitExceeded',
    );
  });

  it('keeps session numbers unique per ENI but not across ENIs', async () => {
    const eni = h.eni().networkInterfaceId;
    await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { SessionNumber: 7 })));
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { SessionNumber: 7 }))),
      'InvalidParameterValue',
    );
    await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId, { SessionNumber: 7 })));
  });

  it.each([
    ['SessionNumber', { SessionNumber: 0 }],
    ['SessionNumber', { SessionNumber: 32_767 }],
    ['PacketLength', { PacketLength: 0 }],
    ['PacketLength', { PacketLength: 8_501 }],
    ['VirtualNetworkId', { VirtualNetworkId: -1 }],
    ['VirtualNetworkId', { VirtualNetworkId: 16_777_216 }],
  ])('rejects %s out of range (%o)', async (_name, overrides) => {
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId, overrides))),
      'InvalidParameterValue',
    );
  });

  it('accepts the range bounds', async () => {
    const eni = h.eni().networkInterfaceId;
    await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(
        sessionInput(eni, { SessionNumber: 32_766, PacketLength: 8_500, VirtualNetworkId: 16_777_215 }),
      ),
    );
    await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(sessionInput(eni, { SessionNumber: 1, PacketLength: 1, VirtualNetworkId: 0 })),
    );
  });

  it('allows 10 sources per network-interface target, any number of sessions from one source', async () => {
    const targetEni = h.eni().networkInterfaceId;
    const target = h.emulator.ec2.createTarget({ networkInterfaceId: targetEni }).trafficMirrorTarget;
    expect(target.type).toBe('network-interface');
    const filter = h.filterId();
    const sources = Array.from({ length: 10 }, () => h.eni().networkInterfaceId);
    for (const source of sources) {
      await h.ec2.send(
        new CreateTrafficMirrorSessionCommand(
          sessionInput(source, { TrafficMirrorTargetId: target.trafficMirrorTargetId, TrafficMirrorFilterId: filter }),
        ),
      );
    }
    // A second session from an existing source is not a new source.
    await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(
        sessionInput(sources[0] ?? '', {
          TrafficMirrorTargetId: target.trafficMirrorTargetId,
          TrafficMirrorFilterId: filter,
          SessionNumber: 2,
        }),
      ),
    );
    await expectEc2Error(
      h.ec2.send(
        new CreateTrafficMirrorSessionCommand(
          sessionInput(h.eni().networkInterfaceId, {
            TrafficMirrorTargetId: target.trafficMirrorTargetId,
            TrafficMirrorFilterId: filter,
          }),
        ),
      ),
      'TrafficMirrorSourcesPerTargetLimitExceeded',
    );
  });

  it('does not limit sources of NLB and GWLB-endpoint targets', async () => {
    const filter = h.filterId();
    for (const target of [
      h.nlbTargetId(),
      h.emulator.ec2.createTarget({ gatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0' }).trafficMirrorTarget
        .trafficMirrorTargetId,
    ]) {
      for (let i = 0; i < 11; i += 1) {
        h.emulator.ec2.createSession({
          networkInterfaceId: h.eni().networkInterfaceId,
          trafficMirrorTargetId: target,
          trafficMirrorFilterId: filter,
          sessionNumber: 1,
        });
      }
    }
    expect(h.emulator.ec2.sessionCount()).toBe(22);
  });

  it('allows 10,000 sessions per account', async () => {
    const target = h.nlbTargetId();
    const filter = h.filterId();
    let eni = h.eni().networkInterfaceId;
    for (let i = 0; i < 10_000; i += 1) {
      if (i % 3 === 0) eni = h.eni().networkInterfaceId;
      h.emulator.ec2.createSession({
        networkInterfaceId: eni,
        trafficMirrorTargetId: target,
        trafficMirrorFilterId: filter,
        sessionNumber: (i % 3) + 1,
      });
    }
    await expectEc2Error(
      h.ec2.send(
        new CreateTrafficMirrorSessionCommand(
          sessionInput(h.eni().networkInterfaceId, { TrafficMirrorTargetId: target, TrafficMirrorFilterId: filter }),
        ),
      ),
      'TrafficMirrorSessionLimitExceeded',
    );
  });

  it('answers NotFound for unknown ENI, target and filter ids', async () => {
    const eni = h.eni().networkInterfaceId;
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput('eni-0123456789abcdef0'))),
      'InvalidNetworkInterfaceID.NotFound',
    );
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { TrafficMirrorTargetId: 'tmt-0123456789abcdef0' }))),
      'InvalidTrafficMirrorTargetId.NotFound',
    );
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { TrafficMirrorFilterId: 'tmf-0123456789abcdef0' }))),
      'InvalidTrafficMirrorFilterId.NotFound',
    );
  });

  it('answers InvalidNetworkInterfaceID.NotFound while the ENI is not yet visible to EC2', async () => {
    const eni = h.eni({ visibleAt: Date.now() + 60_000 });
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni.networkInterfaceId))),
      'InvalidNetworkInterfaceID.NotFound',
    );
    eni.visibleAt = 0;
    await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni.networkInterfaceId)));
  });

  it.each([
    ['unsupported host', { mirroringSupported: false }],
    ['trunk ENI', { interfaceType: 'trunk' as const }],
    ['branch ENI', { interfaceType: 'branch' as const }],
  ])('answers NetworkInterfaceNotSupported for a %s', async (_label, eniInput) => {
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni(eniInput).networkInterfaceId))),
      'NetworkInterfaceNotSupported',
    );
  });

  it('answers DryRunOperation (412) after validation, without creating anything', async () => {
    const eni = h.eni().networkInterfaceId;
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { DryRun: true }))),
      'DryRunOperation',
      412,
    );
    expect(h.emulator.ec2.sessionCount()).toBe(0);
    // Validation comes first: a dry run on a bad ENI is still NotFound.
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput('eni-0123456789abcdef0', { DryRun: true }))),
      'InvalidNetworkInterfaceID.NotFound',
    );
  });

  it('answers MissingParameter without a required parameter', async () => {
    await expectEc2Error(
      h.ec2.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: h.eni().networkInterfaceId,
          TrafficMirrorTargetId: h.nlbTargetId(),
          TrafficMirrorFilterId: h.filterId(),
        } as CreateTrafficMirrorSessionCommandInput),
      ),
      'MissingParameter',
    );
  });
});

describe('documented request limits', () => {
  it('refuses a ClientToken over 64 characters (EC2 idempotency page) and more than 50 tags (CreateTags: 50 per resource)', async () => {
    const eni = h.eni().networkInterfaceId;
    await expectEc2Error(h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { ClientToken: 'x'.repeat(65) }))), 'InvalidParameterValue');
    const tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: tags }] }))),
      'TagLimitExceeded',
    );
    const ok = await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(eni, { ClientToken: 'x'.repeat(64), TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: tags.slice(0, 50) }] })));
    expect(ok.TrafficMirrorSession?.Tags).toHaveLength(50);
  });

  it('refuses NetworkInterfaceIds together with MaxResults in DescribeNetworkInterfaces (EC2 model)', async () => {
    const eni = h.eni().networkInterfaceId;
    await expectEc2Error(h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni], MaxResults: 5 })), 'InvalidParameterCombination');
  });
});

describe('ENI deletion', () => {
  it('deletes the ENI sessions with it', async () => {
    const eni = h.eni().networkInterfaceId;
    const other = h.eni().networkInterfaceId;
    const target = h.nlbTargetId();
    const filter = h.filterId();
    for (const [source, n] of [
      [eni, 1],
      [eni, 2],
      [other, 1],
    ] as const) {
      h.emulator.ec2.createSession({
        networkInterfaceId: source,
        trafficMirrorTargetId: target,
        trafficMirrorFilterId: filter,
        sessionNumber: n,
      });
    }
    h.emulator.network.deleteEni(eni);
    const left = await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    expect(left.TrafficMirrorSessions?.map((s) => s.NetworkInterfaceId)).toEqual([other]);
  });
});

describe('PacketLength defaults', () => {
  // EC2 model, CreateTrafficMirrorSession.PacketLength: "For sessions with Network Load Balancer (NLB)
  // Traffic Mirror targets the default PacketLength will be set to 8500." No default for other targets.
  it('reports 8500 for an NLB target when none is given, nothing for ENI and GWLB-endpoint targets', async () => {
    const nlb = await h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId)));
    expect(nlb.TrafficMirrorSession?.PacketLength).toBe(8_500);
    const eniTarget = h.emulator.ec2.createTarget({ networkInterfaceId: h.eni().networkInterfaceId }).trafficMirrorTarget;
    const toEni = await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId, { TrafficMirrorTargetId: eniTarget.trafficMirrorTargetId })),
    );
    expect(toEni.TrafficMirrorSession?.PacketLength).toBeUndefined();
    const gwlbe = h.emulator.ec2.createTarget({ gatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0' }).trafficMirrorTarget;
    const toGwlbe = await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(sessionInput(h.eni().networkInterfaceId, { TrafficMirrorTargetId: gwlbe.trafficMirrorTargetId })),
    );
    expect(toGwlbe.TrafficMirrorSession?.PacketLength).toBeUndefined();
    const described = await h.ec2.send(
      new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'packet-length', Values: ['8500'] }] }),
    );
    expect(described.TrafficMirrorSessions?.map((s) => s.TrafficMirrorSessionId)).toEqual([nlb.TrafficMirrorSession?.TrafficMirrorSessionId]);
  });

  it('creates a session on a malformed ENI id with InvalidNetworkInterfaceId.Malformed (EC2 error codes page)', async () => {
    await expectEc2Error(h.ec2.send(new CreateTrafficMirrorSessionCommand(sessionInput('eni-nope'))), 'InvalidNetworkInterfaceId.Malformed');
  });
});

describe('ModifyTrafficMirrorSession', () => {
  it('changes fields, re-indexes the target and removes fields', async () => {
    const eni = h.eni().networkInterfaceId;
    const created = await h.ec2.send(
      new CreateTrafficMirrorSessionCommand(sessionInput(eni, { PacketLength: 100, Description: 'x' })),
    );
    const id = created.TrafficMirrorSession?.TrafficMirrorSessionId ?? '';
    const newTarget = h.nlbTargetId();
    const modified = await h.ec2.send(
      new ModifyTrafficMirrorSessionCommand({
        TrafficMirrorSessionId: id,
        TrafficMirrorTargetId: newTarget,
        SessionNumber: 9,
        RemoveFields: ['packet-length', 'description'],
      }),
    );
    expect(modified.TrafficMirrorSession).toMatchObject({ TrafficMirrorTargetId: newTarget, SessionNumber: 9 });
    // EC2 model (RemoveFields): a removed property "is set to the default", 8500 for an NLB target.
    expect(modified.TrafficMirrorSession?.PacketLength).toBe(8_500);
    expect(modified.TrafficMirrorSession?.Description).toBeUndefined();
    const byTarget = await h.ec2.send(
      new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'traffic-mirror-target-id', Values: [newTarget] }] }),
    );
    expect(byTarget.TrafficMirrorSessions?.map((s) => s.TrafficMirrorSessionId)).toEqual([id]);
  });
});
