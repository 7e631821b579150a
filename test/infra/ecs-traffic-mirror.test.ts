import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Validations, type App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { flattenCfnReference } from '../../infra/nag-acknowledgements.js';
import { LAMBDA_BUNDLE_FILE, LAMBDA_BUNDLE_FILES, LAMBDA_BUNDLES, lambdaBundleDir } from '../../src/contract/package-layout.js';
import {
  FILTER_ID,
  READ_ONLY_ACTION,
  REPO_ROOT,
  TARGET_ID,
  allStatements,
  arn,
  granting,
  mirrorStack,
  renderJoin,
  statementsOfRole,
  type FlatStatement,
} from './helpers.js';

// One synth shared by every assertion of this file.
const OTHER_CLUSTER_ARN = 'arn:aws:ecs:eu-west-1:111122223333:cluster/batch';
const PROD_CLUSTER_ARN = arn('ecs', 'cluster/prod');
let app: App;
let template: Template;
let eventStatements: FlatStatement[];
let reconcileStatements: FlatStatement[];

beforeAll(() => {
  const built = mirrorStack(
    {
      clusters: ['prod', OTHER_CLUSTER_ARN],
      targetId: TARGET_ID,
      filterId: FILTER_ID,
      services: ['web', 'api'],
      launchTypes: ['FARGATE'],
    },
  );
  app = built.app;
  // Registered before synthesis: a cdk-nag finding would make Template.fromStack throw.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  template = Template.fromStack(built.stack);
  eventStatements = statementsOfRole(template, 'EventFunctionRole');
  reconcileStatements = statementsOfRole(template, 'ReconcileFunctionRole');
}, 180_000);

function logicalId(type: string, idPart: string): string {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.includes(idPart));
  expect(ids, `${type} matching ${idPart}`).toHaveLength(1);
  return ids[0] as string;
}

function resource(type: string, idPart: string): { Properties: Record<string, unknown> } {
  return template.findResources(type)[logicalId(type, idPart)] as { Properties: Record<string, unknown> };
}

describe('EventBridge rule', () => {
  it('matches starting ECS tasks of the configured clusters only', () => {
    const rule = resource('AWS::Events::Rule', 'TaskStateChangeRule');
    const pattern = rule.Properties['EventPattern'] as Record<string, unknown>;
    expect(pattern['source']).toEqual(['aws.ecs']);
    expect(pattern['detail-type']).toEqual(['ECS Task State Change']);
    const detail = pattern['detail'] as { lastStatus: string[]; clusterArn: unknown[] };
    expect(detail.lastStatus).toEqual(['PENDING', 'ACTIVATING', 'RUNNING']);
    expect(detail.clusterArn.map(flattenCfnReference)).toEqual([PROD_CLUSTER_ARN, OTHER_CLUSTER_ARN]);
  });

  it('targets the queue, with the dead-letter queue for undeliverable events', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ source: ['aws.ecs'] }),
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'TaskEventQueue'), 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'DeadLetterQueue'), 'Arn'] } },
        }),
      ],
    });
  });

  it('lets only this rule send to the queue (queue policy for events.amazonaws.com)', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId('AWS::SQS::Queue', 'TaskEventQueue') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId('AWS::Events::Rule', 'TaskStateChangeRule'), 'Arn'] } } },
          }),
        ]),
      },
    });
  });
});

describe('queues', () => {
  it('the task-event queue denies SendMessage from anything but the rule', () => {
    const ruleId = logicalId('AWS::Events::Rule', 'TaskStateChangeRule');
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'sqs:SendMessage',
            Condition: { ArnNotEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
          }),
        ]),
      },
    });
  });

  it('task-event queue: SSE, visibility 6 × Lambda timeout, redrive to the DLQ after 5 receives', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'DeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });

  it('dead-letter queue: SSE, 14 days retention', () => {
    const dlq = resource('AWS::SQS::Queue', 'DeadLetterQueue');
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('both queues deny requests without TLS (enforceSSL)', () => {
    for (const queue of ['TaskEventQueue', 'DeadLetterQueue']) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId('AWS::SQS::Queue', queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('Lambdas', () => {
  it('both run nodejs22.x on arm64 with 256 MB, ESM bundles, their own log group (30 days)', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions)).toHaveLength(2);
    for (const fn of Object.values(functions) as Array<{ Properties: Record<string, unknown> }>) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Handler: 'index.handler',
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/FunctionLogs/) } },
      });
    }
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')) as Array<{ Properties: Record<string, unknown> }>;
    expect(logGroups).toHaveLength(2);
    for (const logGroup of logGroups) expect(logGroup.Properties['RetentionInDays']).toBe(30);
  });

  it('deploy the prebuilt bundles of dist/lambda as they are: no bundling at synth', () => {
    const bundles = [['EventFunction', LAMBDA_BUNDLES.onTaskEvent], ['ReconcileFunction', LAMBDA_BUNDLES.onSchedule]] as const;
    for (const [idPart, bundle] of bundles) {
      const key = (resource('AWS::Lambda::Function', idPart).Properties['Code'] as { S3Key: string }).S3Key;
      const staged = join(app.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      expect(readdirSync(staged).sort()).toEqual([...LAMBDA_BUNDLE_FILES].sort());
      const prebuilt = readFileSync(join(lambdaBundleDir(REPO_ROOT, bundle), LAMBDA_BUNDLE_FILE));
      expect(readFileSync(join(staged, LAMBDA_BUNDLE_FILE)).equals(prebuilt), `${idPart} deploys ${bundle.name}`).toBe(true);
    }
  });

  it('event Lambda: 60 s timeout and the config contract in its environment', () => {
    const fn = resource('AWS::Lambda::Function', 'EventFunction');
    expect(fn.Properties['Timeout']).toBe(60);
    const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
    const flat = Object.fromEntries(Object.entries(variables).map(([key, value]) => [key, flattenCfnReference(value)]));
    expect(flat).toEqual({
      MIRROR_TARGET_ID: TARGET_ID,
      MIRROR_FILTER_ID: FILTER_ID,
      MIRROR_SESSION_NUMBER: '1',
      MIRROR_UNSUPPORTED_POLICY: 'report',
      MIRROR_STOP_MAX_PER_SERVICE: '3',
      MIRROR_STOP_WINDOW_MINUTES: '60',
      MIRROR_CREATE_RATE: '2.5',
      MIRROR_RECONCILE_GRACE_SECONDS: '900',
      MIRROR_CLUSTERS: `${PROD_CLUSTER_ARN},${OTHER_CLUSTER_ARN}`,
      MIRROR_SERVICES: 'web,api',
      MIRROR_LAUNCH_TYPES: 'FARGATE',
      POWERTOOLS_SERVICE_NAME: 'ecs-traffic-mirror',
      POWERTOOLS_METRICS_NAMESPACE: 'EcsTrafficMirror',
    });
  });

  it('event Lambda reads the queue: batch 50, 1 s window, partial batch failures, max concurrency 2', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'TaskEventQueue'), 'Arn'] },
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'EventFunction') },
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('reconcile Lambda: every 5 minutes, 4 minute timeout, one at a time, no async retries, same environment', () => {
    const fn = resource('AWS::Lambda::Function', 'ReconcileFunction');
    expect(fn.Properties['Timeout']).toBe(240);
    expect(fn.Properties['ReservedConcurrentExecutions']).toBe(1);
    const eventFn = resource('AWS::Lambda::Function', 'EventFunction');
    expect(fn.Properties['Environment']).toEqual(eventFn.Properties['Environment']);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', 'ReconcileFunction'), 'Arn'] } })],
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: logicalId('AWS::Lambda::Function', 'ReconcileFunction') },
      MaximumRetryAttempts: 0,
    });
  });
});

describe('alarms and dashboard', () => {
  type AlarmProps = Record<string, unknown> & { MetricName?: string; Namespace?: string };
  function alarms(): AlarmProps[] {
    return (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Array<{ Properties: AlarmProps }>).map((a) => a.Properties);
  }
  function alarmOn(metricName: string, namespace: string): AlarmProps[] {
    return alarms().filter((alarm) => alarm.MetricName === metricName && alarm.Namespace === namespace);
  }

  it('DLQ depth ≥ 1', () => {
    const [alarm] = alarmOn('ApproximateNumberOfMessagesVisible', 'AWS/SQS');
    expect(alarm).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', 'DeadLetterQueue'), 'QueueName'] } }],
    });
  });

  it('Errors ≥ 1 of each Lambda', () => {
    const errorAlarms = alarmOn('Errors', 'AWS/Lambda');
    expect(errorAlarms).toHaveLength(2);
    const functions = errorAlarms.map((alarm) => (alarm['Dimensions'] as Array<{ Value: { Ref: string } }>)[0]?.Value.Ref);
    expect(functions.sort()).toEqual(
      [logicalId('AWS::Lambda::Function', 'EventFunction'), logicalId('AWS::Lambda::Function', 'ReconcileFunction')].sort(),
    );
    for (const alarm of errorAlarms) expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('EniUnsupported, QuotaExceeded and ConfigError ≥ 1 on the EMF metrics (namespace + service dimension)', () => {
    for (const metric of ['EniUnsupported', 'QuotaExceeded', 'ConfigError']) {
      const [alarm] = alarmOn(metric, 'EcsTrafficMirror');
      expect(alarm, metric).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Sum',
        Dimensions: [{ Name: 'service', Value: 'ecs-traffic-mirror' }],
      });
    }
  });

  it('ReconcileMissing > 0 in 3 consecutive reconcile periods', () => {
    const [alarm] = alarmOn('ReconcileMissing', 'EcsTrafficMirror');
    expect(alarm).toMatchObject({
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Period: 300,
    });
  });

  it('oldest queued event ≥ 15 minutes', () => {
    const [alarm] = alarmOn('ApproximateAgeOfOldestMessage', 'AWS/SQS');
    expect(alarm).toMatchObject({ Threshold: 900, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('every alarm treats missing data as not breaching and notifies the topic the construct creates', () => {
    const topic = logicalId('AWS::SNS::Topic', 'AlarmTopic');
    expect(alarms().length).toBeGreaterThanOrEqual(8);
    for (const alarm of alarms()) {
      expect(alarm['TreatMissingData']).toBe('notBreaching');
      expect(alarm['AlarmActions']).toEqual([{ Ref: topic }]);
    }
  });

  it('the alarm topic is encrypted with its own rotated key that CloudWatch may use, and refuses non-TLS publishing', () => {
    const key = logicalId('AWS::KMS::Key', 'AlarmTopicKey');
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [key, 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('dashboard shows sessions, outcomes, coverage, reconcile, errors, DLQ depth and queue age', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0] as { Properties: { DashboardBody: unknown } };
    const body = JSON.parse(renderJoin(dashboard.Properties.DashboardBody)) as {
      widgets: Array<{ properties: { title?: string; metrics?: unknown[][] } }>;
    };
    const titles = body.widgets.map((widget) => widget.properties.title);
    expect(titles).toEqual(expect.arrayContaining(['Sessions (event path)', 'Outcomes', 'Reconcile', 'Queues', 'Alarms']));
    const metricNames = new Set(body.widgets.flatMap((widget) => (widget.properties.metrics ?? []).map((metric) => metric[1])));
    for (const name of [
      'SessionCreated', 'SessionExists', 'EniUnsupported', 'TaskStopped', 'QuotaExceeded', 'EniNotFoundRetried',
      'ConfigError', 'Coverage', 'ReconcileCreated', 'ReconcileDeleted', 'ReconcileMissing', 'Errors',
      'ApproximateNumberOfMessagesVisible', 'ApproximateAgeOfOldestMessage',
    ]) {
      expect(metricNames, name).toContain(name);
    }
  });
});

describe('IAM (policy report)', () => {
  const session = arn('ec2', 'traffic-mirror-session/*');
  const taskPatterns = [arn('ecs', 'task/prod/*'), 'arn:aws:ecs:eu-west-1:111122223333:task/batch/*'];
  const clusterCondition = { ArnEquals: { 'ecs:cluster': [PROD_CLUSTER_ARN, OTHER_CLUSTER_ARN] } };

  function only(statements: readonly FlatStatement[], action: string): FlatStatement {
    const found = granting(statements, action);
    expect(found, action).toHaveLength(1);
    return found[0] as FlatStatement;
  }

  it('both Lambdas: DescribeTrafficMirrorSessions on * (no resource-level permissions exist)', () => {
    for (const statements of [eventStatements, reconcileStatements]) {
      expect(only(statements, 'ec2:DescribeTrafficMirrorSessions')).toMatchObject({ Resource: ['*'] });
    }
  });

  it('both Lambdas: CreateTrafficMirrorSession from any ENI to the pinned target and filter, only as a managed session', () => {
    for (const statements of [eventStatements, reconcileStatements]) {
      const create = granting(statements, 'ec2:CreateTrafficMirrorSession');
      expect(create.map((statement) => statement.Sid).sort()).toEqual(['CreateOnlyManagedSessions', 'CreateSessionFromTaskEni', 'CreateSessionToTarget']);
      expect(create.find((statement) => statement.Sid === 'CreateSessionFromTaskEni')).toEqual({
        Sid: 'CreateSessionFromTaskEni',
        Effect: 'Allow',
        Action: ['ec2:CreateTrafficMirrorSession'],
        Resource: [arn('ec2', 'network-interface/*')],
      });
      expect(create.find((statement) => statement.Sid === 'CreateSessionToTarget')?.Resource.sort()).toEqual(
        [arn('ec2', `traffic-mirror-target/${TARGET_ID}`), arn('ec2', `traffic-mirror-filter/${FILTER_ID}`)].sort(),
      );
      expect(create.find((statement) => statement.Sid === 'CreateOnlyManagedSessions')).toMatchObject({
        Action: ['ec2:CreateTrafficMirrorSession'],
        Resource: [session],
        Condition: { StringEquals: { 'aws:RequestTag/ecs-traffic-mirror:managed': 'true' } },
      });
    }
  });

  it('both Lambdas: CreateTags only on sessions being created', () => {
    for (const statements of [eventStatements, reconcileStatements]) {
      expect(only(statements, 'ec2:CreateTags')).toMatchObject({
        Action: ['ec2:CreateTags'],
        Resource: [session],
        Condition: { StringEquals: { 'ec2:CreateAction': 'CreateTrafficMirrorSession' } },
      });
    }
  });

  it('both Lambdas: TagResource on tasks of the configured clusters, with our tag keys only', () => {
    for (const statements of [eventStatements, reconcileStatements]) {
      const tag = only(statements, 'ecs:TagResource');
      expect(tag.Action).toEqual(['ecs:TagResource']);
      expect(tag.Resource.sort()).toEqual([...taskPatterns].sort());
      expect(tag.Condition).toEqual({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-traffic-mirror:*'] } });
    }
  });

  it('only the reconcile Lambda deletes sessions, and only those tagged managed=true', () => {
    expect(granting(eventStatements, 'ec2:DeleteTrafficMirrorSession')).toEqual([]);
    expect(only(reconcileStatements, 'ec2:DeleteTrafficMirrorSession')).toMatchObject({
      Action: ['ec2:DeleteTrafficMirrorSession'],
      Resource: [session],
      Condition: { StringEquals: { 'aws:ResourceTag/ecs-traffic-mirror:managed': 'true' } },
    });
  });

  it('reconcile: ListClusters on *, ListTasks on * and DescribeTasks on tasks, both with the ecs:cluster condition', () => {
    expect(only(reconcileStatements, 'ecs:ListClusters')).toMatchObject({ Resource: ['*'] });
    expect(only(reconcileStatements, 'ecs:ListTasks')).toMatchObject({ Resource: ['*'], Condition: clusterCondition });
    expect(only(reconcileStatements, 'ecs:DescribeTasks')).toMatchObject({
      Resource: [arn('ecs', 'task/*')],
      Condition: clusterCondition,
    });
  });

  it("the event Lambda describes tasks of the clusters in every mode (it checks each event's task with ECS)", () => {
    expect(only(eventStatements, 'ecs:DescribeTasks')).toMatchObject({
      Resource: [arn('ecs', 'task/*')],
      Condition: clusterCondition,
    });
  });

  it("under 'report' the event Lambda can neither stop nor list tasks", () => {
    for (const action of ['ecs:StopTask', 'ecs:ListTasks', 'ecs:ListClusters']) {
      expect(granting(eventStatements, action), action).toEqual([]);
    }
    expect(granting(reconcileStatements, 'ecs:StopTask')).toEqual([]);
  });

  it('each role writes only to its own log group; no managed policies', () => {
    for (const [statements, logGroup] of [
      [eventStatements, 'EventFunctionLogs'],
      [reconcileStatements, 'ReconcileFunctionLogs'],
    ] as const) {
      const logs = statements.filter((statement) => statement.Action.some((action) => action.startsWith('logs:')));
      expect(logs).toHaveLength(1);
      expect(logs[0]?.Action.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      expect(logs[0]?.Resource).toEqual([`<${logicalId('AWS::Logs::LogGroup', logGroup)}.Arn>`]);
    }
    for (const role of Object.values(template.findResources('AWS::IAM::Role')) as Array<{ Properties: Record<string, unknown> }>) {
      expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
    }
  });

  it('the event Lambda consumes only its queue (from the event source grant)', () => {
    const sqsStatements = eventStatements.filter((statement) => statement.Action.some((action) => action.startsWith('sqs:')));
    expect(sqsStatements.length).toBeGreaterThan(0);
    for (const statement of sqsStatements) {
      expect(statement.Resource).toEqual([`<${logicalId('AWS::SQS::Queue', 'TaskEventQueue')}.Arn>`]);
    }
    expect(reconcileStatements.filter((statement) => statement.Action.some((action) => action.startsWith('sqs:')))).toEqual([]);
  });

  it('grants every statement above and nothing else', () => {
    const actionsOf = (statements: readonly FlatStatement[]) => [...new Set(statements.flatMap((s) => s.Action))].sort();
    expect(actionsOf(eventStatements).filter((action) => !action.startsWith('sqs:'))).toEqual([
      'ec2:CreateTags',
      'ec2:CreateTrafficMirrorSession',
      // Issue 13: door resolution on EC2 capacity (an instance's primary ENI, branch ENIs).
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeTrafficMirrorSessions',
      // Issue 12: both paths bring a session of ours in line with its rule in place.
      'ec2:ModifyTrafficMirrorSession',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeTasks',
      'ecs:TagResource',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    expect(actionsOf(reconcileStatements)).toEqual([
      'ec2:CreateTags',
      'ec2:CreateTrafficMirrorSession',
      'ec2:DeleteTrafficMirrorSession',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeTrafficMirrorSessions',
      'ec2:ModifyTrafficMirrorSession',
      'ecs:DescribeContainerInstances',
      'ecs:DescribeTasks',
      'ecs:ListClusters',
      'ecs:ListTasks',
      'ecs:TagResource',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('no mutating action (anything but Describe*/List*/Get*) is granted on Resource "*"', () => {
    const offenders = allStatements(template)
      .filter((statement) => statement.Effect === 'Allow' && statement.Resource.includes('*'))
      .flatMap((statement) => statement.Action.filter((action) => !READ_ONLY_ACTION.test(action)));
    expect(offenders).toEqual([]);
  });

  it('no action wildcards', () => {
    const wildcards = allStatements(template).flatMap((statement) => statement.Action.filter((action) => action.includes('*')));
    expect(wildcards).toEqual([]);
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions checks report nothing: every remaining finding is acknowledged with a reason', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    expect(report.violations.map((violation) => `${violation.ruleName} @ ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('acknowledgements carry a written reason', () => {
    const acknowledged = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    const ids = acknowledged.map(([id]) => id.replace(/^annotation::/i, ''));
    expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-L1', `AwsSolutions-IAM5[Resource::${arn('ec2', 'network-interface/*')}]`]));
    for (const [id, reason] of acknowledged) expect(String(reason).length, id).toBeGreaterThan(40);
  });
});
