import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EcsTrafficMirrorConfigError } from '../../infra/config-error.js';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from '../../infra/ecs-traffic-mirror.js';
import { flattenCfnReference } from '../../infra/nag-acknowledgements.js';
import { FILTER_ID, TARGET_ID, arn, granting, mirrorStack, statementsOfRole } from './helpers.js';

const NLB_ARN = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/mirror/0123456789abcdef';

function synth(props: EcsTrafficMirrorProps) {
  const built = mirrorStack(props);
  const template = Template.fromStack(built.stack);
  return { ...built, template };
}

function nagFindings(props: EcsTrafficMirrorProps): string[] {
  const { app } = synth(props);
  return new AwsSolutionsChecks().validateScope(app).violations.map((violation) => violation.ruleName);
}

describe("unsupportedPolicy 'stop-task'", () => {
  it('with clusters: StopTask, ListTasks, DescribeTasks for the event Lambda, each with the ecs:cluster condition', () => {
    const { template } = synth({ clusters: ['prod'], targetId: TARGET_ID, filterId: FILTER_ID, unsupportedPolicy: 'stop-task', maxStopsPerService: 2, stopWindow: Duration.minutes(30) });
    const statements = statementsOfRole(template, 'EventFunctionRole');
    const condition = { ArnEquals: { 'ecs:cluster': [arn('ecs', 'cluster/prod')] } };
    expect(granting(statements, 'ecs:StopTask')).toEqual([
      { Sid: 'StopUnsupportedServiceTasks', Effect: 'Allow', Action: ['ecs:StopTask'], Resource: [arn('ecs', 'task/*')], Condition: condition },
    ]);
    expect(granting(statements, 'ecs:ListTasks')).toMatchObject([{ Resource: ['*'], Condition: condition }]);
    expect(granting(statements, 'ecs:DescribeTasks')).toMatchObject([{ Resource: [arn('ecs', 'task/*')], Condition: condition }]);
    // The reconcile Lambda never stops tasks.
    expect(granting(statementsOfRole(template, 'ReconcileFunctionRole'), 'ecs:StopTask')).toEqual([]);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          MIRROR_UNSUPPORTED_POLICY: 'stop-task',
          MIRROR_STOP_MAX_PER_SERVICE: '2',
          MIRROR_STOP_WINDOW_MINUTES: '30',
        },
      },
    });
  });

  it('without clusters: refused at synth (stop-task would stop tasks in every cluster of the account)', () => {
    expect(() => synth({ targetId: TARGET_ID, filterId: FILTER_ID, unsupportedPolicy: 'stop-task' })).toThrow(
      /unsupportedPolicy: 'stop-task' .* needs explicit clusters/,
    );
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings({ clusters: ['a', 'b'], targetId: TARGET_ID, filterId: FILTER_ID, unsupportedPolicy: 'stop-task' })).toEqual([]);
  });
});

describe('clusters given as constructs', () => {
  it('uses the cluster ARN in the rule and the conditions, and its name in task ARN patterns', () => {
    const importedArn = 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop';
    const { stack } = mirrorStack((scope) => ({
      clusters: [
        ecs.Cluster.fromClusterArn(scope, 'Shop', importedArn),
        new ecs.Cluster(scope, 'Jobs', {
          vpc: ec2.Vpc.fromVpcAttributes(scope, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'] }),
        }),
      ],
      targetId: TARGET_ID,
      filterId: FILTER_ID,
      unsupportedPolicy: 'stop-task',
    }));
    const template = Template.fromStack(stack);
    const jobs = Object.keys(template.findResources('AWS::ECS::Cluster'))[0] as string;
    const clusterArns = [importedArn, `<${jobs}.Arn>`];
    const rule = Object.values(template.findResources('AWS::Events::Rule'))
      .map((r) => (r as { Properties: { EventPattern?: { detail: { clusterArn: unknown[] } } } }).Properties.EventPattern)
      .find((pattern) => pattern !== undefined);
    expect(rule?.detail.clusterArn.map(flattenCfnReference)).toEqual(clusterArns);
    const statements = statementsOfRole(template, 'EventFunctionRole');
    expect(granting(statements, 'ecs:TagResource')[0]?.Resource.sort()).toEqual(
      ['arn:aws:ecs:eu-west-1:123456789012:task/shop/*', arn('ecs', `task/<${jobs}>/*`)].sort(),
    );
    expect(granting(statements, 'ecs:StopTask')).toMatchObject([{ Condition: { ArnEquals: { 'ecs:cluster': clusterArns } } }]);
  });

  it('drops duplicate clusters', () => {
    const { template } = synth({ clusters: ['prod', 'prod'], targetId: TARGET_ID, filterId: FILTER_ID });
    expect(granting(statementsOfRole(template, 'ReconcileFunctionRole'), 'ecs:ListTasks')).toMatchObject([
      { Condition: { ArnEquals: { 'ecs:cluster': [arn('ecs', 'cluster/prod')] } } },
    ]);
  });
});

describe('created target and filter', () => {
  it.each([
    ['targetNetworkLoadBalancerArn', { targetNetworkLoadBalancerArn: NLB_ARN }, { NetworkLoadBalancerArn: NLB_ARN }],
    ['targetGatewayLoadBalancerEndpointId', { targetGatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0' }, { GatewayLoadBalancerEndpointId: 'vpce-0123456789abcdef0' }],
    ['targetNetworkInterfaceId', { targetNetworkInterfaceId: 'eni-0123456789abcdef0' }, { NetworkInterfaceId: 'eni-0123456789abcdef0' }],
  ] as const)('%s creates a Traffic Mirror target and uses its ID everywhere', (_name, targetProps, expected) => {
    const { template } = synth({ ...targetProps, filterId: FILTER_ID });
    template.resourceCountIs('AWS::EC2::TrafficMirrorTarget', 1);
    template.hasResourceProperties('AWS::EC2::TrafficMirrorTarget', expected);
    const targetLogicalId = Object.keys(template.findResources('AWS::EC2::TrafficMirrorTarget'))[0] as string;
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MIRROR_TARGET_ID: { Ref: targetLogicalId } } },
    });
    const toTarget = granting(statementsOfRole(template, 'EventFunctionRole'), 'ec2:CreateTrafficMirrorSession')
      .find((statement) => statement.Sid === 'CreateSessionToTarget');
    expect(toTarget?.Resource).toContain(arn('ec2', `traffic-mirror-target/<${targetLogicalId}>`));
  });

  it('without filterId creates a filter accepting all TCP and UDP, both directions (4 rules)', () => {
    const { template } = synth({ targetId: TARGET_ID });
    template.resourceCountIs('AWS::EC2::TrafficMirrorFilter', 1);
    const filterLogicalId = Object.keys(template.findResources('AWS::EC2::TrafficMirrorFilter'))[0] as string;
    const rules = Object.values(template.findResources('AWS::EC2::TrafficMirrorFilterRule')) as Array<{ Properties: Record<string, unknown> }>;
    expect(rules).toHaveLength(4);
    const summary = rules.map((rule) => `${String(rule.Properties['TrafficDirection'])}/${String(rule.Properties['Protocol'])}`).sort();
    expect(summary).toEqual(['egress/17', 'egress/6', 'ingress/17', 'ingress/6']);
    for (const rule of rules) {
      expect(rule.Properties).toMatchObject({
        TrafficMirrorFilterId: { Ref: filterLogicalId },
        RuleAction: 'accept',
        SourceCidrBlock: '0.0.0.0/0',
        DestinationCidrBlock: '0.0.0.0/0',
      });
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MIRROR_FILTER_ID: { Ref: filterLogicalId } } },
    });
  });

  it('with targetId and filterId creates neither', () => {
    const { template } = synth({ targetId: TARGET_ID, filterId: FILTER_ID });
    template.resourceCountIs('AWS::EC2::TrafficMirrorTarget', 0);
    template.resourceCountIs('AWS::EC2::TrafficMirrorFilter', 0);
    template.resourceCountIs('AWS::EC2::TrafficMirrorFilterRule', 0);
  });

  it('is cdk-nag clean', () => {
    expect(nagFindings({ targetNetworkLoadBalancerArn: NLB_ARN })).toEqual([]);
  });
});

describe('session options, schedule, alarm topic', () => {
  it('passes session number, VNI and packet length; custom reconcile rate sets the ReconcileMissing period', () => {
    const { template } = synth({
      targetId: TARGET_ID,
      filterId: FILTER_ID,
      sessionNumber: 7,
      virtualNetworkId: 4242,
      packetLength: 128,
      reconcileSchedule: Duration.minutes(15),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { MIRROR_SESSION_NUMBER: '7', MIRROR_VIRTUAL_NETWORK_ID: '4242', MIRROR_PACKET_LENGTH: '128' } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ReconcileMissing', Period: 900, EvaluationPeriods: 3 });
  });

  it('accepts an events.Schedule', () => {
    const { template } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, reconcileSchedule: events.Schedule.cron({ minute: '*/10' }) });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(*/10 * * * ? *)' });
  });

  it('reconcileSchedule false: no schedule rule, the reconcile Lambda stays deployed', () => {
    const { template, mirror } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, reconcileSchedule: false });
    expect(mirror.reconcileRule).toBeUndefined();
    template.resourceCountIs('AWS::Events::Rule', 1);
    template.resourceCountIs('AWS::Lambda::Function', 2);
  });

  it('alarmTopic: every alarm notifies it', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops';
    const { stack } = mirrorStack((scope) => ({
      targetId: TARGET_ID,
      filterId: FILTER_ID,
      alarmTopic: sns.Topic.fromTopicArn(scope, 'Topic', topicArn),
    }));
    const alarms = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')) as Array<{
      Properties: { AlarmActions?: unknown[] };
    }>;
    expect(alarms.length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicArn]);
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 0);
  });

  it('alarmEmail: subscribes the address to the alarm topic', () => {
    const { template } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, alarmEmail: 'oncall@example.com' });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
  });
});

describe('the reconcile Lambda cannot overlap itself', () => {
  it('reserved concurrency 1; the default timeout follows a faster rate', () => {
    const { template } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, reconcileSchedule: Duration.minutes(2) });
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as Array<[string, { Properties: Record<string, unknown> }]>;
    const reconcile = functions.find(([id]) => id.includes('ReconcileFunction'))?.[1];
    expect(reconcile?.Properties).toMatchObject({ ReservedConcurrentExecutions: 1, Timeout: 110 });
  });

  it.each([
    ['a Duration', Duration.minutes(5)],
    ['an events.Schedule rate', events.Schedule.rate(Duration.minutes(5))],
  ] as const)('refuses a timeout not below the rate given as %s', (_kind, reconcileSchedule) => {
    expect(() => synth({ targetId: TARGET_ID, filterId: FILTER_ID, reconcileSchedule, reconcileTimeout: Duration.minutes(5) })).toThrow(
      /reconcileTimeout: must be shorter than the reconcile schedule's rate/,
    );
  });
});

describe('redrivePrincipalArns', () => {
  it('task-event queue: a listed redrive principal is exempt from the deny, so the DLQ can be redriven', () => {
    const { template: withRedrive } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, redrivePrincipalArns: ['arn:aws:iam::123456789012:role/operator'] });
    withRedrive.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sqs:SendMessage',
            Condition: Match.objectLike({ ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::123456789012:role/operator'] } }),
          }),
        ]),
      },
    });
  });

});

describe('clusters of another Region or account', () => {
  const envStack = (clusters: string[]) => () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new Stack(app, 'Env', { env: { account: '123456789012', region: 'eu-west-1' } });
    new EcsTrafficMirror(stack, 'Mirror', { targetId: TARGET_ID, filterId: FILTER_ID, clusters });
  };

  it('are refused at synth when the stack knows its account and Region', () => {
    expect(envStack(['arn:aws:ecs:us-east-1:123456789012:cluster/prod'])).toThrow(/is in Region us-east-1, but this stack deploys to eu-west-1/);
    expect(envStack(['arn:aws:ecs:eu-west-1:111122223333:cluster/prod'])).toThrow(/is in account 111122223333, but this stack deploys to 123456789012/);
    expect(envStack(['arn:aws:ecs:eu-west-1:123456789012:cluster/prod'])).not.toThrow();
  });

  it('are refused at synth when they are of another partition', () => {
    expect(envStack(['arn:aws-cn:ecs:eu-west-1:123456789012:cluster/prod'])).toThrow(/is in partition aws-cn, but this stack deploys to aws:/);
  });
});

describe('sourceSubnetIds / sourceVpcIds', () => {
  it('condition the network-interface resource of CreateTrafficMirrorSession on ec2:Subnet and ec2:Vpc', () => {
    const { template } = synth({ targetId: TARGET_ID, filterId: FILTER_ID, sourceSubnetIds: ['subnet-0123456789abcdef0'], sourceVpcIds: ['vpc-0123456789abcdef0'] });
    for (const role of ['EventFunctionRole', 'ReconcileFunctionRole']) {
      const fromEni = granting(statementsOfRole(template, role), 'ec2:CreateTrafficMirrorSession').find((statement) => statement.Sid === 'CreateSessionFromTaskEni');
      expect(fromEni).toMatchObject({
        Resource: [arn('ec2', 'network-interface/*')],
        Condition: { ArnEquals: { 'ec2:Subnet': [arn('ec2', 'subnet/subnet-0123456789abcdef0')], 'ec2:Vpc': [arn('ec2', 'vpc/vpc-0123456789abcdef0')] } },
      });
    }
  });

  it('refuse malformed ids', () => {
    expect(() => synth({ targetId: TARGET_ID, filterId: FILTER_ID, sourceSubnetIds: ['sub-1'] })).toThrow(/sourceSubnetIds/);
  });
});

describe('bad props fail with one clear line', () => {
  const cases: Array<[string, EcsTrafficMirrorProps, RegExp]> = [
    ['no target', { filterId: FILTER_ID }, /give exactly one of targetId, targetNetworkLoadBalancerArn, targetGatewayLoadBalancerEndpointId, targetNetworkInterfaceId \(got none\)/],
    ['two targets', { targetId: TARGET_ID, targetNetworkInterfaceId: 'eni-0123456789abcdef0' }, /exactly one of .* \(got targetId and targetNetworkInterfaceId\)/],
    ['malformed target id', { targetId: 'tgt-1' }, /^targetId: 'tgt-1' does not look like/],
    ['malformed filter id', { targetId: TARGET_ID, filterId: 'filter' }, /^filterId: 'filter'/],
    ['session number out of range', { targetId: TARGET_ID, sessionNumber: 0 }, /^sessionNumber: must be an integer from 1 to 32766 \(got 0\)$/],
    ['packet length out of range', { targetId: TARGET_ID, packetLength: 9000 }, /^packetLength: must be an integer from 1 to 8500/],
    ['VNI out of range', { targetId: TARGET_ID, virtualNetworkId: 2 ** 24 }, /^virtualNetworkId: must be an integer from 0 to 16777215/],
    ['unknown policy', { targetId: TARGET_ID, unsupportedPolicy: 'kill' as never }, /^unsupportedPolicy: must be 'report' or 'stop-task'/],
    ['fractional stop window', { targetId: TARGET_ID, stopWindow: Duration.seconds(90) }, /^stopWindow: must be a whole number of minutes/],
    ['stop window longer than ECS shows stopped tasks', { targetId: TARGET_ID, stopWindow: Duration.hours(2) }, /^stopWindow: must be a whole number of minutes from 1 to 60/],
    ['bad cluster name', { targetId: TARGET_ID, clusters: ['no spaces'] }, /^clusters: 'no spaces' is not a valid ECS cluster name/],
    ['bad cluster ARN', { targetId: TARGET_ID, clusters: ['arn:aws:ecs:eu-west-1:123456789012:service/x'] }, /^clusters: '.*' is not an ECS cluster ARN/],
    ['unknown launch type', { targetId: TARGET_ID, launchTypes: ['LAMBDA'] }, /^launchTypes: 'LAMBDA' is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES$/],
  ];
  it.each(cases)('%s', (_name, props, message) => {
    let error: unknown;
    try {
      mirrorStack(props);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EcsTrafficMirrorConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('cdk-nag check is not vacuous', () => {
  it('reports an unacknowledged wildcard added next to the mirror', () => {
    const { app, stack } = mirrorStack({ targetId: TARGET_ID, filterId: FILTER_ID });
    const role = new iam.Role(stack, 'Careless', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateTags'], resources: ['*'] }));
    const rules = new AwsSolutionsChecks().validateScope(app).violations.map((violation) => violation.ruleName);
    expect(rules).toEqual(['AwsSolutions-IAM5[Resource::*]']);
    // The flattening used for acknowledgements is cdk-nag's format.
    expect(flattenCfnReference({ 'Fn::Join': ['', ['a:', { Ref: 'AWS::Region' }, ':', { 'Fn::GetAtt': ['R', 'Arn'] }]] })).toBe('a:<AWS::Region>:<R.Arn>');
  });
});
