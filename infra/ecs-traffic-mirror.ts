import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Duration, Fn, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { alarmTopicOf } from './alarm-topic.js';
import { checkReconcileOverlap, defaultReconcileTimeout } from './reconcile-overlap.js';
import { Construct } from 'constructs';
import { resolveClusterScope, type ClusterReference } from './cluster-scope.js';
import { EcsTrafficMirrorConfigError } from './config-error.js';
import { PACKET_LENGTH_RANGE, SESSION_NUMBER_RANGE, VIRTUAL_NETWORK_ID_RANGE } from '../src/contract/limits.js';
import {
  ECS_NAME_PATTERN,
  FILTER_ID_PATTERN,
  GWLB_ENDPOINT_ID_PATTERN,
  LAUNCH_TYPES,
  NETWORK_INTERFACE_ID_PATTERN,
  NETWORK_LOAD_BALANCER_ARN_PATTERN,
  TARGET_ID_PATTERN,
} from '../src/contract/ids.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from '../src/contract/metrics.js';
import { EVENT_CREATE_RATE_PER_SECOND, EVENT_QUEUE, HUB_EVENT_CREATE_RATE_PER_SECOND } from '../src/contract/queue.js';
import {
  LAMBDA_BUNDLE_FILE,
  LAMBDA_BUNDLES,
  LAMBDA_HANDLER,
  findPackageRoot,
  lambdaBundleDir,
  type LambdaBundle,
} from '../src/contract/package-layout.js';
import { ENV, MAX_STOP_WINDOW_MINUTES } from '../src/contract/variables.js';
import { MirrorMonitoring, type EcsTrafficMirrorAlarms } from './mirror-monitoring.js';
import { createAcceptAllFilter } from './default-filter.js';
import { assumeMemberRoleStatements, eventFunctionStatements, reconcileFunctionStatements } from './mirror-permissions.js';
import { HUB_ENV } from '../src/contract/members.js';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';
import { parseRules } from '../src/config/rules-file.js';
import { filtersOf, pooledTargets, rulesNeedAzIds, targetsOf, type MirrorRule } from '../src/core/rules.js';

export type { MirrorRule, RuleMatch } from '../src/core/rules.js';

/** Lambda's limit on the whole environment (keys and values), in bytes. */
const LAMBDA_ENVIRONMENT_LIMIT_BYTES = 4096;

export type { ClusterReference } from './cluster-scope.js';
export type { EcsTrafficMirrorAlarms } from './mirror-monitoring.js';

/** What to do with a task whose ENI cannot be mirrored: report it, or stop it so its service replaces it. */
export type UnsupportedEniPolicy = 'report' | 'stop-task';

export { LAUNCH_TYPES } from '../src/contract/ids.js';

/** Properties of {@link EcsTrafficMirror}. Exactly one of the four `target…` props must be given. */
export interface EcsTrafficMirrorProps {
  /**
   * Clusters whose tasks are mirrored: names (resolved in this stack's account and Region), ARNs, or
   * `ecs.ICluster`s. Also scopes the EventBridge rule and the IAM policies.
   * @default - every cluster in the account and Region
   */
  readonly clusters?: readonly ClusterReference[];

  /**
   * ID of an existing Traffic Mirror target (`tmt-…`) in this account.
   * @default - one of the other `target…` props
   */
  readonly targetId?: string;
  /**
   * ARN of an existing Network Load Balancer to create a Traffic Mirror target for. The NLB needs a
   * UDP 4789 listener (mirrored traffic arrives VXLAN-encapsulated); this construct adds none.
   * @default - one of the other `target…` props
   */
  readonly targetNetworkLoadBalancerArn?: string;
  /**
   * ID of an existing Gateway Load Balancer endpoint (`vpce-…`) to create a Traffic Mirror target for.
   * @default - one of the other `target…` props
   */
  readonly targetGatewayLoadBalancerEndpointId?: string;
  /**
   * ID of an existing network interface (`eni-…`) to create a Traffic Mirror target for.
   * @default - one of the other `target…` props
   */
  readonly targetNetworkInterfaceId?: string;

  /**
   * ID of an existing Traffic Mirror filter (`tmf-…`) in this account.
   * @default - a filter is created that accepts all TCP and UDP traffic, inbound and outbound (IPv4)
   */
  readonly filterId?: string;

  /**
   * Only mirror tasks of these ECS services (names). MIRROR_SERVICES.
   * @default - tasks of every service, and standalone tasks
   */
  readonly services?: readonly string[];
  /**
   * Only mirror tasks of these task definition families. MIRROR_FAMILIES.
   * @default - every family
   */
  readonly families?: readonly string[];
  /**
   * Only mirror tasks of these launch types (`FARGATE`, `EC2`, `EXTERNAL`, `MANAGED_INSTANCES`). MIRROR_LAUNCH_TYPES.
   * @default - every launch type
   */
  readonly launchTypes?: readonly string[];

  /**
   * What to do when a task's ENI cannot be mirrored: `report` (log, metric, tag the task) or
   * `stop-task` (also stop it, so that its service reschedules it elsewhere; only service tasks, at
   * most `maxStopsPerService` per `stopWindow`). `ecs:StopTask` is granted only for `stop-task`.
   * @default 'report'
   */
  readonly unsupportedPolicy?: UnsupportedEniPolicy;
  /**
   * Under `stop-task`: at most this many tasks stopped per service per `stopWindow` (0-1000).
   * @default 3
   */
  readonly maxStopsPerService?: number;
  /**
   * Under `stop-task`: the window `maxStopsPerService` counts over (whole minutes, 1 to 60: the
   * budget is counted from ECS's stopped tasks, which ECS shows for at least an hour).
   * @default Duration.minutes(60)
   */
  readonly stopWindow?: Duration;

  /**
   * Session number of the sessions created (1-32766; lower numbers are evaluated first on an ENI).
   * @default 1
   */
  readonly sessionNumber?: number;
  /**
   * VXLAN network identifier of the sessions created (0-16777215).
   * @default - EC2 picks a random unique one per session
   */
  readonly virtualNetworkId?: number;
  /**
   * Bytes of each packet to mirror (1-8500).
   * @default - the whole packet
   */
  readonly packetLength?: number;
  /**
   * Rules, in order: the first whose `match` fits a task decides its sessions (target or pool of
   * targets, per-AZ pools, filter, packet length, session number, VNI, or `mirror: false`); what a
   * rule leaves unset comes from the props above. Passed to the Lambdas as MIRROR_RULES (inline
   * JSON), validated at synth; refused when the Lambda environment would pass 4 KB. The IAM
   * policies allow every target and filter the rules name.
   * @default - none: the props above decide every task
   */
  readonly rules?: readonly MirrorRule[];

  /**
   * How often the reconcile Lambda compares tasks with sessions and fixes what the event path
   * missed: a `Duration` (rate), an `events.Schedule`, or `false` for no schedule (the function is
   * still deployed and can be invoked by hand).
   * @default Duration.minutes(5)
   */
  readonly reconcileSchedule?: Duration | events.Schedule | false;

  /**
   * The sweep leaves tasks younger than this to the event path, so that during a burst both do
   * not spend EC2's 5-creates-a-second budget on the same ENIs (docs/performance.md). It must
   * outlast the burst: the event path works through N task starts in about (N − 50) / 5 s, and a
   * sweep that creates sooner creates what the queued events are about to (at 2 minutes, a burst
   * of 1,000 had 136 creates sent twice and 21 throttled). 15 minutes covers bursts of up to about
   * 4,500 tasks at the account's full refill (2,700 while another client spends 2 creates/s); the
   * cost is that an ENI whose event was lost is repaired up to grace + schedule later (20 min).
   * @default Duration.minutes(15)
   */
  readonly reconcileGrace?: Duration;

  /**
   * Timeout of the event Lambda. The queue's visibility timeout is 6 times this.
   * @default Duration.seconds(60)
   */
  readonly timeout?: Duration;
  /**
   * Timeout of the reconcile Lambda; must be shorter than the schedule's rate (runs never overlap:
   * the function also has a reserved concurrency of 1).
   * @default - 4 minutes, or 10 seconds less than a faster rate
   */
  readonly reconcileTimeout?: Duration;
  /**
   * Memory of both Lambdas, in MB. The event Lambda peaked at 153 MiB through a burst of 3,000
   * tasks (docs/performance.md, "Memory of the event Lambda").
   * @default 256
   */
  readonly memorySize?: number;

  /**
   * Retention of the Lambdas' log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * SNS topic that receives every alarm's notifications.
   * @default - a topic is created (encrypted with a customer managed KMS key that CloudWatch may use, SSL enforced)
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Email address subscribed to the alarm topic (the given one, or the created one). AWS sends a
   * confirmation message first; nothing is delivered until it is confirmed.
   * @default - no subscription
   */
  readonly alarmEmail?: string;
  /**
   * IAM principals (role or user ARNs) that may send to the task-event queue besides the rule:
   * whoever redrives the dead-letter queue, since a redrive sends to the queue under the caller's
   * own permissions and without the rule's `aws:SourceArn`.
   * @default - only the rule may send: redrive needs a principal listed here
   */
  readonly redrivePrincipalArns?: readonly string[];

  /**
   * Only ENIs in these subnets (`subnet-…`) may be mirror sources: an `ec2:Subnet` condition on the
   * network-interface resource of CreateTrafficMirrorSession, so IAM refuses any other ENI even
   * when an event names it.
   * @default - any subnet
   */
  readonly sourceSubnetIds?: readonly string[];
  /**
   * Only ENIs in these VPCs (`vpc-…`) may be mirror sources (an `ec2:Vpc` condition, as above).
   * @default - any VPC
   */
  readonly sourceVpcIds?: readonly string[];
  /**
   * Name of the CloudWatch dashboard.
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;
  /**
   * The event bus whose ECS Task State Change events the rule takes: a hub's bus, which member
   * accounts forward their events to.
   * @default - the account's default event bus
   */
  readonly eventBus?: events.IEventBus;
  /**
   * The account that owns `targetId` when the target is shared with this account through AWS RAM:
   * the IAM statement names the target's ARN in that account.
   * @default - this stack's account
   */
  readonly targetOwnerAccountId?: string;
  /**
   * Hub-and-spoke: the Lambdas act in member accounts through their member role instead of in
   * this account (set by EcsTrafficMirrorHub; they are granted only sts:AssumeRole).
   * @default - act in this account
   */
  readonly hub?: HubSettings;
  /**
   * Names of the two Lambda roles, so that other accounts can name them in a trust policy.
   * @default - generated by CloudFormation
   */
  readonly functionRoleNames?: { readonly event: string; readonly reconcile: string };
}

/** What makes the construct a hub (see EcsTrafficMirrorHub, which sets it). */
export interface HubSettings {
  /** The organization the members belong to (`o-…`). */
  readonly organizationId: string;
  /** The member role's name, the same in every member account. */
  readonly memberRoleName: string;
  /** The external id the member roles' trust policies require. */
  readonly externalId: string;
  /** The registered members (MIRROR_MEMBERS): JSON of `[{"account", "region", "targetId"?, "filterId"?}]`. */
  readonly membersJson: string;
}


/**
 * The prebuilt bundle of one handler (`npm run bundle`; shipped in the package), deployed as it is:
 * synthesis needs neither esbuild nor a lock file, which an installed package does not have.
 */
function prebuiltCode(bundle: LambdaBundle): lambda.Code {
  const dir = lambdaBundleDir(findPackageRoot(import.meta.url), bundle);
  if (!existsSync(path.join(dir, LAMBDA_BUNDLE_FILE))) {
    // A config error so that `cdk synth` prints it as one line: only a clone without a build lacks it.
    throw new EcsTrafficMirrorConfigError(`no Lambda bundle in ${dir}: run npm run bundle`);
  }
  return lambda.Code.fromAsset(dir);
}

/**
 * Mirrors the traffic of every ENI of every in-scope ECS task into a VPC Traffic Mirroring target.
 *
 * ECS Task State Change events (PENDING / ACTIVATING / RUNNING) go through an SQS queue to the event
 * Lambda, which creates one session per ENI; a scheduled reconcile Lambda creates what the event
 * path missed and deletes orphaned sessions that carry our ownership tag.
 */
export class EcsTrafficMirror extends Construct {
  /** The Lambda that handles task events from the queue. */
  public readonly eventFunction: lambda.Function;
  /** The periodic reconcile Lambda. */
  public readonly reconcileFunction: lambda.Function;
  /** The queue between the EventBridge rule and the event Lambda. */
  public readonly queue: sqs.Queue;
  /** Receives task events that failed 5 times, and events the rule could not deliver. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The EventBridge rule on ECS Task State Change events. */
  public readonly rule: events.Rule;
  /** The schedule of the reconcile Lambda, unless `reconcileSchedule` is `false`. */
  public readonly reconcileRule?: events.Rule;
  /** The operations dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;
  /** The alarms. */
  public readonly alarms: EcsTrafficMirrorAlarms;
  /** The topic every alarm notifies (the given `alarmTopic`, or the one created). */
  public readonly alarmTopic: sns.ITopic;
  /** ID of the Traffic Mirror target used (given or created). */
  public readonly targetId: string;
  /** ID of the Traffic Mirror filter used (given or created). */
  public readonly filterId: string;

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const settings = validateProps(props);
    const clusters = resolveClusterScope(stack, props.clusters ?? []);
    if (settings.unsupportedPolicy === 'stop-task' && clusters.allClusters) {
      throw new EcsTrafficMirrorConfigError(
        "unsupportedPolicy: 'stop-task' stops tasks, so it needs explicit clusters (the clusters prop); it is refused for every cluster of the account",
      );
    }
    const reconcileTimeout = props.reconcileTimeout ?? defaultReconcileTimeout(props.reconcileSchedule);
    checkReconcileOverlap(props.reconcileSchedule, reconcileTimeout);

    const rules = validateRules(props.rules);
    this.targetId = this.resolveTarget(props);
    this.filterId = props.filterId ?? createAcceptAllFilter(this);

    const timeout = props.timeout ?? Duration.seconds(EVENT_QUEUE.defaultFunctionTimeoutSeconds);
    const environment: Record<string, string> = {
      [ENV.targetId]: this.targetId,
      [ENV.filterId]: this.filterId,
      [ENV.sessionNumber]: String(settings.sessionNumber),
      [ENV.unsupportedPolicy]: settings.unsupportedPolicy,
      [ENV.stopMaxPerService]: String(settings.maxStopsPerService),
      [ENV.stopWindowMinutes]: String(settings.stopWindowMinutes),
      [ENV.createRate]: String(props.hub === undefined ? EVENT_CREATE_RATE_PER_SECOND : HUB_EVENT_CREATE_RATE_PER_SECOND),
      [ENV.reconcileGraceSeconds]: String((props.reconcileGrace ?? Duration.minutes(15)).toSeconds()),
      [ENV.powertoolsServiceName]: SERVICE_NAME,
      [ENV.powertoolsMetricsNamespace]: METRICS_NAMESPACE,
      // Empty lists are left unset: an unset scope variable means "all".
      ...optionalList(ENV.clusters, clusters.clusterArns),
      ...optionalList(ENV.services, props.services),
      ...optionalList(ENV.families, props.families),
      ...optionalList(ENV.launchTypes, props.launchTypes),
      ...(props.virtualNetworkId === undefined ? {} : { [ENV.virtualNetworkId]: String(props.virtualNetworkId) }),
      ...(props.packetLength === undefined ? {} : { [ENV.packetLength]: String(props.packetLength) }),
      ...(props.hub === undefined
        ? {}
        : {
            [HUB_ENV.memberRoleName]: props.hub.memberRoleName,
            [HUB_ENV.memberExternalId]: props.hub.externalId,
            [HUB_ENV.members]: props.hub.membersJson,
          }),
      ...(rules.length === 0 ? {} : { [ENV.rules]: JSON.stringify({ rules }) }),
    };
    checkEnvironmentSize(environment, rules.length > 0);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'TaskEventQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(timeout.toSeconds() * EVENT_QUEUE.visibilityTimeoutPerFunctionTimeout),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: EVENT_QUEUE.maxReceiveCount },
    });

    // The rule's ARN is the only allowed source of messages on the queue.
    this.rule = new events.Rule(this, 'TaskStateChangeRule', {
      ...(props.eventBus ? { eventBus: props.eventBus } : {}),
      description: 'ecs-traffic-mirror: ECS tasks starting (PENDING, ACTIVATING, RUNNING) in the clusters in scope',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['PENDING', 'ACTIVATING', 'RUNNING'],
          ...(clusters.allClusters ? {} : { clusterArn: [...clusters.clusterArns] }),
        },
      },
    });
    this.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'DenySendMessageExceptFromTheRule',
        // A message names the ENI to mirror: nothing but the rule may put one on the queue. The
        // condition is negated, so a request without aws:SourceArn (any principal of the account)
        // is denied too; receiving and deleting (the Lambda's event source) are other actions.
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
        // Conditions are ANDed: denied unless the rule sent it or a listed redrive principal did.
        conditions: {
          ArnNotEquals: { 'aws:SourceArn': this.rule.ruleArn },
          ...(props.redrivePrincipalArns?.length ? { ArnNotLike: { 'aws:PrincipalArn': [...props.redrivePrincipalArns] } } : {}),
        },
      }),
    );

    const permissionInputs = {
      stack,
      clusters,
      targetIds: targetsOf(rules, { targetId: this.targetId }),
      filterIds: filtersOf(rules, { filterId: this.filterId }),
      describeTargets: pooledTargets(rules).length > 0,
      describeSubnets: rulesNeedAzIds(rules),
      ...(props.targetOwnerAccountId === undefined ? {} : { targetOwnerAccountId: props.targetOwnerAccountId }),
      sourceSubnetArns: (props.sourceSubnetIds ?? []).map((id) => stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: id })),
      sourceVpcArns: (props.sourceVpcIds ?? []).map((id) => stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: id })),
    };
    this.eventFunction = this.createFunction('Event', {
      bundle: LAMBDA_BUNDLES.onTaskEvent,
      description: 'ecs-traffic-mirror: mirror the ENIs of starting ECS tasks (SQS batches of task events)',
      timeout,
      environment,
      // A hub acts only through the members' roles: it holds no EC2 or ECS grant of its own.
      statements: props.hub
        ? assumeMemberRoleStatements(stack, props.hub.memberRoleName, props.hub.organizationId)
        : eventFunctionStatements(permissionInputs, settings.unsupportedPolicy === 'stop-task'),
      props,
    });
    this.eventFunction.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: EVENT_QUEUE.batchSize,
        maxBatchingWindow: Duration.seconds(EVENT_QUEUE.batchWindowSeconds),
        reportBatchItemFailures: true,
        maxConcurrency: EVENT_QUEUE.maxConcurrency,
      }),
    );

    this.reconcileFunction = this.createFunction('Reconcile', {
      bundle: LAMBDA_BUNDLES.onSchedule,
      description: 'ecs-traffic-mirror: periodic reconcile of task ENIs and mirror sessions',
      timeout: reconcileTimeout,
      // The next scheduled run is the retry; async retries would only pile up on the EC2 bucket.
      retryAttempts: 0,
      environment,
      statements: props.hub ? assumeMemberRoleStatements(stack, props.hub.memberRoleName, props.hub.organizationId) : reconcileFunctionStatements(permissionInputs),
      props,
    });
    // One sweep at a time: two would race for the same ENIs and EC2's create budget.
    (this.reconcileFunction.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;

    // The target adds the queue policy for events.amazonaws.com (aws:SourceArn = this rule); events
    // it cannot deliver after its retries go to the dead-letter queue too.
    this.rule.addTarget(new targets.SqsQueue(this.queue, { deadLetterQueue: this.deadLetterQueue }));

    const reconcileSchedule = toSchedule(props.reconcileSchedule);
    if (reconcileSchedule) {
      this.reconcileRule = new events.Rule(this, 'ReconcileScheduleRule', {
        description: 'ecs-traffic-mirror: periodic reconcile',
        schedule: reconcileSchedule,
        targets: [new targets.LambdaFunction(this.reconcileFunction, { retryAttempts: 2 })],
      });
    }

    this.alarmTopic = alarmTopicOf(this, props.alarmTopic, props.alarmEmail);
    const monitoring = new MirrorMonitoring(this, 'Monitoring', {
      eventFunction: this.eventFunction,
      reconcileFunction: this.reconcileFunction,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      reconcilePeriod: alarmPeriodOf(props.reconcileSchedule),
      alarmTopic: this.alarmTopic,
      dashboardName: props.dashboardName,
    });
    this.dashboard = monitoring.dashboard;
    this.alarms = monitoring.alarms;
  }

  private createFunction(
    name: 'Event' | 'Reconcile',
    options: {
      readonly bundle: LambdaBundle;
      readonly description: string;
      readonly timeout: Duration;
      readonly retryAttempts?: number;
      readonly environment: Record<string, string>;
      readonly statements: iam.PolicyStatement[];
      readonly props: EcsTrafficMirrorProps;
    },
  ): lambda.Function {
    const logGroup = new logs.LogGroup(this, `${name}FunctionLogs`, {
      retention: options.props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: options.props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
    });
    // A role of our own instead of the default one, which would attach the managed
    // AWSLambdaBasicExecutionRole (logs on every log group): this one writes to its log group only.
    const roleName = options.props.functionRoleNames?.[name === 'Event' ? 'event' : 'reconcile'];
    const role = new iam.Role(this, `${name}FunctionRole`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: options.description,
      ...(roleName === undefined ? {} : { roleName }),
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogGroup',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    for (const statement of options.statements) role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(role, options.statements);

    const fn = new lambda.Function(this, `${name}Function`, {
      code: prebuiltCode(options.bundle),
      handler: LAMBDA_HANDLER,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      // Sized from `npm run bench -- lambda-memory` (docs/performance.md): the bundled event handler
      // through a 3,000-task hostile burst, batches of 50, peaked at 153 MiB RSS (heap 38 of
      // 60 MiB), the same as after 60 tasks: the runtime, SDK and bundle, not the work, set it.
      // 256 leaves 40% headroom for GC and larger batches; 192 would leave 20%, and Lambda's CPU
      // share shrinks with memory, which cold init (the first batch's latency) pays for.
      memorySize: options.props.memorySize ?? 256,
      timeout: options.timeout,
      retryAttempts: options.retryAttempts,
      description: options.description,
      environment: options.environment,
      role,
      logGroup,
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The runtime is pinned to nodejs22.x (Node.js 22 LTS, supported by Lambda into 2027): the handlers are built, tested and benchmarked for it; moving to a newer runtime is a deliberate project decision.',
    });
    return fn;
  }

  private resolveTarget(props: EcsTrafficMirrorProps): string {
    if (props.targetId !== undefined) return props.targetId;
    const description = 'ecs-traffic-mirror target';
    const target = new ec2.CfnTrafficMirrorTarget(this, 'Target', {
      description,
      networkLoadBalancerArn: props.targetNetworkLoadBalancerArn,
      gatewayLoadBalancerEndpointId: props.targetGatewayLoadBalancerEndpointId,
      networkInterfaceId: props.targetNetworkInterfaceId,
    });
    return target.ref;
  }
}

interface ValidatedSettings {
  readonly unsupportedPolicy: UnsupportedEniPolicy;
  readonly maxStopsPerService: number;
  readonly stopWindowMinutes: number;
  readonly sessionNumber: number;
}

const TARGET_PROPS = [
  'targetId',
  'targetNetworkLoadBalancerArn',
  'targetGatewayLoadBalancerEndpointId',
  'targetNetworkInterfaceId',
] as const;

function validateProps(props: EcsTrafficMirrorProps): ValidatedSettings {
  const targetsGiven = TARGET_PROPS.filter((key) => props[key] !== undefined);
  if (targetsGiven.length !== 1) {
    throw new EcsTrafficMirrorConfigError(
      `EcsTrafficMirror: give exactly one of ${TARGET_PROPS.join(', ')} (got ${targetsGiven.length === 0 ? 'none' : targetsGiven.join(' and ')})`,
    );
  }
  checkId('targetId', props.targetId, TARGET_ID_PATTERN);
  checkId('filterId', props.filterId, FILTER_ID_PATTERN);
  checkId('targetGatewayLoadBalancerEndpointId', props.targetGatewayLoadBalancerEndpointId, GWLB_ENDPOINT_ID_PATTERN);
  checkId('targetNetworkInterfaceId', props.targetNetworkInterfaceId, NETWORK_INTERFACE_ID_PATTERN);
  checkId('targetNetworkLoadBalancerArn', props.targetNetworkLoadBalancerArn, NETWORK_LOAD_BALANCER_ARN_PATTERN);

  const unsupportedPolicy = props.unsupportedPolicy ?? 'report';
  if (unsupportedPolicy !== 'report' && unsupportedPolicy !== 'stop-task') {
    throw new EcsTrafficMirrorConfigError(`unsupportedPolicy: must be 'report' or 'stop-task' (got '${String(unsupportedPolicy)}')`);
  }
  const maxStopsPerService = props.maxStopsPerService ?? 3;
  checkInteger('maxStopsPerService', maxStopsPerService, 0, 1000);
  const stopWindowMinutes = (props.stopWindow ?? Duration.minutes(60)).toMinutes({ integral: false });
  if (!Number.isInteger(stopWindowMinutes) || stopWindowMinutes < 1 || stopWindowMinutes > MAX_STOP_WINDOW_MINUTES) {
    throw new EcsTrafficMirrorConfigError(
      `stopWindow: must be a whole number of minutes from 1 to ${MAX_STOP_WINDOW_MINUTES}, as long as ECS shows stopped tasks (got ${stopWindowMinutes})`,
    );
  }
  const sessionNumber = props.sessionNumber ?? 1;
  checkInteger('sessionNumber', sessionNumber, SESSION_NUMBER_RANGE.min, SESSION_NUMBER_RANGE.max);
  if (props.virtualNetworkId !== undefined) checkInteger('virtualNetworkId', props.virtualNetworkId, VIRTUAL_NETWORK_ID_RANGE.min, VIRTUAL_NETWORK_ID_RANGE.max);
  if (props.packetLength !== undefined) checkInteger('packetLength', props.packetLength, PACKET_LENGTH_RANGE.min, PACKET_LENGTH_RANGE.max);
  for (const launchType of props.launchTypes ?? []) {
    if (!(LAUNCH_TYPES as readonly string[]).includes(launchType)) {
      throw new EcsTrafficMirrorConfigError(`launchTypes: '${launchType}' is not one of ${LAUNCH_TYPES.join(', ')}`);
    }
  }
  for (const [key, values] of [['services', props.services], ['families', props.families]] as const) {
    for (const value of values ?? []) {
      if (!Token.isUnresolved(value) && !ECS_NAME_PATTERN.test(value)) {
        throw new EcsTrafficMirrorConfigError(`${key}: '${value}' is not a valid name (letters, digits, '-' or '_')`);
      }
    }
  }
  checkIds('sourceSubnetIds', props.sourceSubnetIds, /^subnet-[0-9a-f]{8,17}$/);
  checkIds('sourceVpcIds', props.sourceVpcIds, /^vpc-[0-9a-f]{8,17}$/);
  if (props.timeout !== undefined) {
    const seconds = props.timeout.toSeconds();
    // 6 × timeout must fit SQS's 12-hour visibility timeout; Lambda allows up to 15 minutes.
    if (seconds < 1 || seconds > 900) throw new EcsTrafficMirrorConfigError(`timeout: must be 1 s to 15 minutes (got ${seconds} s)`);
  }
  return { unsupportedPolicy, maxStopsPerService, stopWindowMinutes, sessionNumber };
}

/** The rules as the Lambdas will read them: the same validation, so a bad rule fails the synth, not the Lambda. */
function validateRules(rules: readonly MirrorRule[] | undefined): readonly MirrorRule[] {
  if (rules === undefined || rules.length === 0) return [];
  const parsed = parseRules(JSON.stringify({ rules }), 'rules');
  if (parsed.problems.length > 0) throw new EcsTrafficMirrorConfigError(parsed.problems.join('; '));
  return parsed.rules;
}

/**
 * Lambda refuses an environment over 4 KB at deploy time, after the stack is half-updated: refuse
 * it at synth instead. Unresolved tokens count at their placeholder length, about what an id takes.
 */
function checkEnvironmentSize(environment: Readonly<Record<string, string>>, withRules: boolean): void {
  const bytes = Object.entries(environment).reduce((sum, [key, value]) => sum + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
  if (bytes <= LAMBDA_ENVIRONMENT_LIMIT_BYTES) return;
  throw new EcsTrafficMirrorConfigError(
    `${withRules ? 'rules: ' : ''}the Lambda environment would be ${bytes} bytes${withRules ? ' with these rules' : ''}, past Lambda's 4 KB limit (${LAMBDA_ENVIRONMENT_LIMIT_BYTES} bytes): use fewer or shorter rules (one pool per AZ rather than one rule per service, say)`,
  );
}

function checkId(key: string, value: string | undefined, pattern: RegExp): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!pattern.test(value)) {
    throw new EcsTrafficMirrorConfigError(`${key}: '${value}' does not look like ${pattern.source}`);
  }
}

function checkIds(key: string, values: readonly string[] | undefined, pattern: RegExp): void {
  for (const value of values ?? []) checkId(key, value, pattern);
}

function checkInteger(key: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new EcsTrafficMirrorConfigError(`${key}: must be an integer from ${min} to ${max} (got ${value})`);
  }
}

function optionalList(name: string, values: readonly string[] | undefined): Record<string, string> {
  if (values === undefined || values.length === 0) return {};
  const anyToken = values.some((value) => Token.isUnresolved(value));
  return { [name]: anyToken ? Fn.join(',', [...values]) : values.join(',') };
}

function toSchedule(schedule: EcsTrafficMirrorProps['reconcileSchedule']): events.Schedule | undefined {
  if (schedule === false) return undefined;
  if (schedule === undefined) return events.Schedule.rate(Duration.minutes(5));
  if (schedule instanceof Duration) return events.Schedule.rate(schedule);
  return schedule;
}

/** The period in which one reconcile run reports: its rate, clamped to what CloudWatch alarms accept. */
function alarmPeriodOf(schedule: EcsTrafficMirrorProps['reconcileSchedule']): Duration {
  if (!(schedule instanceof Duration)) return Duration.minutes(5);
  const minutes = Math.min(Math.max(Math.ceil(schedule.toMinutes({ integral: false })), 5), 6 * 60);
  return Duration.minutes(minutes);
}
