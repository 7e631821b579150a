import {
  CreateTagsCommand,
  CreateTrafficMirrorFilterCommand,
  CreateTrafficMirrorFilterRuleCommand,
  CreateTrafficMirrorSessionCommand,
  CreateTrafficMirrorTargetCommand,
  DeleteTagsCommand,
  DeleteTrafficMirrorFilterCommand,
  DeleteTrafficMirrorFilterRuleCommand,
  DeleteTrafficMirrorTargetCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeTagsCommand,
  DescribeTrafficMirrorFiltersCommand,
  DescribeTrafficMirrorSessionsCommand,
  DescribeTrafficMirrorTargetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectEc2Error, NLB_ARN, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

describe('traffic mirror targets', () => {
  it('creates each target type and describes them with filters', async () => {
    const eni = h.eni().networkInterfaceId;
    const byEni = await h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkInterfaceId: eni, Description: 'eni' }));
    const byNlb = await h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: NLB_ARN }));
    const byGwlbe = await h.ec2.send(
      new CreateTrafficMirrorTargetCommand({ GatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0' }),
    );
    expect(byEni.TrafficMirrorTarget).toMatchObject({ Type: 'network-interface', NetworkInterfaceId: eni, Description: 'eni' });
    expect(byNlb.TrafficMirrorTarget).toMatchObject({ Type: 'network-load-balancer', NetworkLoadBalancerArn: NLB_ARN });
    expect(byGwlbe.TrafficMirrorTarget).toMatchObject({
      Type: 'gateway-load-balancer-endpoint',
      GatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0',
    });
    expect(byNlb.TrafficMirrorTarget?.TrafficMirrorTargetId).toMatch(/^tmt-[0-9a-f]{17}$/);

    const all = await h.ec2.send(new DescribeTrafficMirrorTargetsCommand({}));
    expect(all.TrafficMirrorTargets).toHaveLength(3);
    const nlbOnly = await h.ec2.send(
      new DescribeTrafficMirrorTargetsCommand({ Filters: [{ Name: 'network-load-balancer-arn', Values: [NLB_ARN] }] }),
    );
    expect(nlbOnly.TrafficMirrorTargets).toEqual([byNlb.TrafficMirrorTarget]);
    const byId = await h.ec2.send(
      new DescribeTrafficMirrorTargetsCommand({
        TrafficMirrorTargetIds: [byGwlbe.TrafficMirrorTarget?.TrafficMirrorTargetId ?? ''],
      }),
    );
    expect(byId.TrafficMirrorTargets).toEqual([byGwlbe.TrafficMirrorTarget]);
  });

  it('needs exactly one destination and an existing ENI', async () => {
    await expectEc2Error(h.ec2.send(new CreateTrafficMirrorTargetCommand({})), 'MissingParameter');
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: NLB_ARN, NetworkInterfaceId: h.eni().networkInterfaceId })),
      'InvalidParameterCombination',
    );
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0' })),
      'InvalidNetworkInterfaceID.NotFound',
    );
  });

  // EC2 error codes page: NlbInUseByTrafficMirrorTargetException, InvalidNetworkLoadBalancerArn.Malformed,
  // InvalidNetworkInterfaceId.Malformed (`Id`, unlike InvalidNetworkInterfaceID.NotFound).
  it('takes one target per NLB and rejects malformed NLB ARNs and ENI ids with their documented codes', async () => {
    await h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: NLB_ARN }));
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: NLB_ARN })),
      'NlbInUseByTrafficMirrorTargetException',
    );
    for (const arn of ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/0123456789abcdef', 'nlb-1']) {
      await expectEc2Error(
        h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: arn })),
        'InvalidNetworkLoadBalancerArn.Malformed',
      );
    }
    await expectEc2Error(
      h.ec2.send(new CreateTrafficMirrorTargetCommand({ NetworkInterfaceId: 'eni-not-hex' })),
      'InvalidNetworkInterfaceId.Malformed',
    );
    await expectEc2Error(
      h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: ['eni-1'] })),
      'InvalidNetworkInterfaceId.Malformed',
    );
  });

  it('refuses to delete a target in use, then deletes it once unused', async () => {
    const target = h.nlbTargetId();
    const session = h.emulator.ec2.createSession({
      networkInterfaceId: h.eni().networkInterfaceId,
      trafficMirrorTargetId: target,
      trafficMirrorFilterId: h.filterId(),
      sessionNumber: 1,
    }).trafficMirrorSession;
    await expectEc2Error(
      h.ec2.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target })),
      // EC2 error codes page: TrafficMirrorTargetInUseException.
      'TrafficMirrorTargetInUseException',
    );
    h.emulator.ec2.deleteSession(session.trafficMirrorSessionId);
    await expectEc2Error(
      h.ec2.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target, DryRun: true })),
      'DryRunOperation',
      412,
    );
    const deleted = await h.ec2.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target }));
    expect(deleted.TrafficMirrorTargetId).toBe(target);
    await expectEc2Error(
      h.ec2.send(new DeleteTrafficMirrorTargetCommand({ TrafficMirrorTargetId: target })),
      'InvalidTrafficMirrorTargetId.NotFound',
    );
  });
});

describe('traffic mirror filters and rules', () => {
  it('creates a filter with rules and describes it', async () => {
    const created = await h.ec2.send(
      new CreateTrafficMirrorFilterCommand({
        Description: 'all',
        TagSpecifications: [{ ResourceType: 'traffic-mirror-filter', Tags: [{ Key: 'k', Value: 'v' }] }],
      }),
    );
    const filterId = created.TrafficMirrorFilter?.TrafficMirrorFilterId ?? '';
    expect(filterId).toMatch(/^tmf-[0-9a-f]{17}$/);
    const rule = await h.ec2.send(
      new CreateTrafficMirrorFilterRuleCommand({
        TrafficMirrorFilterId: filterId,
        TrafficDirection: 'ingress',
        RuleNumber: 100,
        RuleAction: 'accept',
        Protocol: 6,
        DestinationPortRange: { FromPort: 80, ToPort: 443 },
        DestinationCidrBlock: '0.0.0.0/0',
        SourceCidrBlock: '10.0.0.0/8',
      }),
    );
    expect(rule.TrafficMirrorFilterRule?.TrafficMirrorFilterRuleId).toMatch(/^tmfr-[0-9a-f]{17}$/);
    await h.ec2.send(
      new CreateTrafficMirrorFilterRuleCommand({
        TrafficMirrorFilterId: filterId,
        TrafficDirection: 'egress',
        RuleNumber: 100,
        RuleAction: 'reject',
        DestinationCidrBlock: '0.0.0.0/0',
        SourceCidrBlock: '0.0.0.0/0',
      }),
    );
    await expectEc2Error(
      h.ec2.send(
        new CreateTrafficMirrorFilterRuleCommand({
          TrafficMirrorFilterId: filterId,
          TrafficDirection: 'ingress',
          RuleNumber: 100,
          RuleAction: 'accept',
          DestinationCidrBlock: '0.0.0.0/0',
          SourceCidrBlock: '0.0.0.0/0',
        }),
      ),
      // EC2 error codes page: TrafficMirrorFilterRuleAlreadyExists (rule numbers are unique per direction).
      'TrafficMirrorFilterRuleAlreadyExists',
    );

    const described = await h.ec2.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filterId] }));
    const [filter] = described.TrafficMirrorFilters ?? [];
    expect(filter?.Description).toBe('all');
    expect(filter?.Tags).toEqual([{ Key: 'k', Value: 'v' }]);
    expect(filter?.IngressFilterRules).toEqual([
      expect.objectContaining({
        RuleNumber: 100,
        RuleAction: 'accept',
        Protocol: 6,
        DestinationPortRange: { FromPort: 80, ToPort: 443 },
        TrafficDirection: 'ingress',
      }),
    ]);
    expect(filter?.EgressFilterRules).toHaveLength(1);

    await h.ec2.send(
      new DeleteTrafficMirrorFilterRuleCommand({
        TrafficMirrorFilterRuleId: rule.TrafficMirrorFilterRule?.TrafficMirrorFilterRuleId,
      }),
    );
    const after = await h.ec2.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filterId] }));
    expect(after.TrafficMirrorFilters?.[0]?.IngressFilterRules).toEqual([]);
  });

  // Traffic Mirroring quotas page: "Maximum number of filter rules per filter: 10"; the code is the
  // EC2 error codes page's TrafficMirrorFilterRuleLimitExceeded.
  it('takes at most 10 rules per filter', async () => {
    const filterId = h.filterId();
    const rule = (n: number, direction: 'ingress' | 'egress') =>
      h.ec2.send(
        new CreateTrafficMirrorFilterRuleCommand({
          TrafficMirrorFilterId: filterId,
          TrafficDirection: direction,
          RuleNumber: n,
          RuleAction: 'accept',
          DestinationCidrBlock: '0.0.0.0/0',
          SourceCidrBlock: '0.0.0.0/0',
        }),
      );
    for (let n = 1; n <= 5; n++) {
      await rule(n, 'ingress');
      await rule(n, 'egress');
    }
    await expectEc2Error(rule(6, 'ingress'), 'TrafficMirrorFilterRuleLimitExceeded');
  });

  it('refuses to delete a filter in use and answers NotFound for unknown filters', async () => {
    const filter = h.filterId();
    const session = h.emulator.ec2.createSession({
      networkInterfaceId: h.eni().networkInterfaceId,
      trafficMirrorTargetId: h.nlbTargetId(),
      trafficMirrorFilterId: filter,
      sessionNumber: 1,
    }).trafficMirrorSession;
    await expectEc2Error(
      h.ec2.send(new DeleteTrafficMirrorFilterCommand({ TrafficMirrorFilterId: filter })),
      // EC2 error codes page: TrafficMirrorFilterInUse.
      'TrafficMirrorFilterInUse',
    );
    h.emulator.ec2.deleteSession(session.trafficMirrorSessionId);
    await h.ec2.send(new DeleteTrafficMirrorFilterCommand({ TrafficMirrorFilterId: filter }));
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filter] })),
      'InvalidTrafficMirrorFilterId.NotFound',
    );
  });

  it('pages filters', async () => {
    for (let i = 0; i < 7; i += 1) h.filterId();
    const first = await h.ec2.send(new DescribeTrafficMirrorFiltersCommand({ MaxResults: 5 }));
    expect(first.TrafficMirrorFilters).toHaveLength(5);
    const second = await h.ec2.send(new DescribeTrafficMirrorFiltersCommand({ MaxResults: 5, NextToken: first.NextToken }));
    expect(second.TrafficMirrorFilters).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    // Tokens are per action.
    await expectEc2Error(
      h.ec2.send(new DescribeTrafficMirrorTargetsCommand({ MaxResults: 5, NextToken: first.NextToken })),
      'InvalidPaginationToken',
    );
  });
});

describe('tags', () => {
  it('creates, describes and deletes tags on sessions', async () => {
    const created = await h.ec2.send(
      new CreateTrafficMirrorSessionCommand({
        NetworkInterfaceId: h.eni().networkInterfaceId,
        TrafficMirrorTargetId: h.nlbTargetId(),
        TrafficMirrorFilterId: h.filterId(),
        SessionNumber: 1,
      }),
    );
    const id = created.TrafficMirrorSession?.TrafficMirrorSessionId ?? '';
    await h.ec2.send(
      new CreateTagsCommand({
        Resources: [id],
        Tags: [
          { Key: 'ecs-traffic-mirror:managed', Value: 'true' },
          { Key: 'task', Value: 'arn:aws:ecs:us-east-1:123456789012:task/c/abc' },
        ],
      }),
    );
    const tags = await h.ec2.send(
      new DescribeTagsCommand({
        Filters: [
          { Name: 'resource-id', Values: [id] },
          { Name: 'resource-type', Values: ['traffic-mirror-session'] },
        ],
      }),
    );
    expect(tags.Tags).toEqual([
      { ResourceId: id, ResourceType: 'traffic-mirror-session', Key: 'ecs-traffic-mirror:managed', Value: 'true' },
      {
        ResourceId: id,
        ResourceType: 'traffic-mirror-session',
        Key: 'task',
        Value: 'arn:aws:ecs:us-east-1:123456789012:task/c/abc',
      },
    ]);
    const byKey = await h.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ['task'] }] }));
    expect(byKey.Tags?.map((t) => t.ResourceId)).toEqual([id]);

    const sessions = await h.ec2.send(
      new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'tag:ecs-traffic-mirror:managed', Values: ['true'] }] }),
    );
    expect(sessions.TrafficMirrorSessions?.[0]?.Tags).toHaveLength(2);

    // A value that does not match keeps the tag; no value deletes it.
    await h.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'task', Value: 'other' }] }));
    await h.ec2.send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'ecs-traffic-mirror:managed' }] }));
    const left = await h.ec2.send(new DescribeTagsCommand({ Filters: [{ Name: 'resource-id', Values: [id] }] }));
    expect(left.Tags?.map((t) => t.Key)).toEqual(['task']);
  });

  it('tags ENIs and rejects unknown resources and reserved keys', async () => {
    const eni = h.eni().networkInterfaceId;
    await h.ec2.send(new CreateTagsCommand({ Resources: [eni], Tags: [{ Key: 'Name', Value: 'task-eni' }] }));
    const described = await h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }));
    expect(described.NetworkInterfaces?.[0]?.TagSet).toEqual([{ Key: 'Name', Value: 'task-eni' }]);
    await expectEc2Error(
      h.ec2.send(new CreateTagsCommand({ Resources: ['tms-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'b' }] })),
      'InvalidTrafficMirrorSessionId.NotFound',
    );
    await expectEc2Error(
      h.ec2.send(new CreateTagsCommand({ Resources: [eni], Tags: [{ Key: 'aws:x', Value: 'b' }] })),
      'InvalidParameterValue',
    );
    await expectEc2Error(
      h.ec2.send(new CreateTagsCommand({ Resources: [eni], Tags: [{ Key: 'a', Value: 'b' }], DryRun: true })),
      'DryRunOperation',
      412,
    );
  });
});

describe('network describes', () => {
  it('describes ENIs by id and filters, hiding ENIs EC2 cannot see yet', async () => {
    const [subnetA, subnetB] = [...h.emulator.network.subnets.keys()];
    const a = h.eni({ subnetId: subnetA ?? '' }).networkInterfaceId;
    const b = h.eni({ subnetId: subnetB ?? '' }).networkInterfaceId;
    const late = h.eni({ visibleAt: Date.now() + 60_000 }).networkInterfaceId;
    const bySubnet = await h.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'subnet-id', Values: [subnetB ?? ''] }] }),
    );
    expect(bySubnet.NetworkInterfaces?.map((e) => e.NetworkInterfaceId)).toEqual([b]);
    const byVpc = await h.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'vpc-id', Values: [h.emulator.network.defaultVpc.vpcId] }] }),
    );
    expect(byVpc.NetworkInterfaces?.map((e) => e.NetworkInterfaceId)).toEqual([a, b]);
    const byIdFilter = await h.ec2.send(
      new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: [a] }] }),
    );
    expect(byIdFilter.NetworkInterfaces?.[0]).toMatchObject({ NetworkInterfaceId: a, InterfaceType: 'interface', Status: 'in-use' });
    await expectEc2Error(
      h.ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [late] })),
      'InvalidNetworkInterfaceID.NotFound',
    );
  });

  it('describes the default VPC and its subnets', async () => {
    const vpcs = await h.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
    expect(vpcs.Vpcs).toEqual([
      expect.objectContaining({ VpcId: h.emulator.network.defaultVpc.vpcId, IsDefault: true, State: 'available' }),
    ]);
    const subnets = await h.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [h.emulator.network.defaultVpc.vpcId] }] }),
    );
    expect(subnets.Subnets?.map((s) => s.AvailabilityZone)).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
    await expectEc2Error(h.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0123456789abcdef0'] })), 'InvalidVpcID.NotFound');
  });

  it('filters VPCs by cidr-block-association.cidr-block (a filter name of the DescribeVpcs model)', async () => {
    const [vpc] = (await h.ec2.send(new DescribeVpcsCommand({}))).Vpcs ?? [];
    const cidr = vpc?.CidrBlock ?? '';
    const found = await h.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr-block-association.cidr-block', Values: [cidr] }] }));
    const none = await h.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr-block-association.cidr-block', Values: ['192.0.2.0/24'] }] }));
    expect(found.Vpcs?.map((v) => v.VpcId)).toEqual([vpc?.VpcId]);
    expect(none.Vpcs ?? []).toEqual([]);
  });
});
