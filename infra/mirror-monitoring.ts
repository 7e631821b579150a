import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { METRIC_NAMES, METRICS_NAMESPACE, SERVICE_NAME, type MetricName } from '../src/contract/metrics.js';

/**
 * Metrics that count normal work, or whose trouble another alarm already reports: charted, never
 * alarmed. Every other metric the Lambdas emit gets an alarm at ≥ 1 per period, so a metric
 * added to METRIC pages someone until it is classified here with its reason.
 */
export const INFORMATIONAL_METRICS: Readonly<Partial<Record<MetricName, string>>> = {
  SessionCreated: 'the event path doing its job',
  SessionExists: 'a repeated event finding its session: idempotency at work',
  SessionModified: 'a session of ours brought to what the rules now want: convergence at work',
  EniNotFoundRetried: "EC2's eventual consistency on a fresh ENI; a retry that never succeeds ends as EventFailed",
  TaskStopped: "the stop-task policy acting as configured; EniUnsupported alarms on its cause",
  ReconcileCreated: 'the sweep catching up; ReconcileMissing alarms when it keeps having to',
  ReconcileDeleted: 'orphaned sessions of ours removed',
  ReconcileModified: 'sessions of ours brought to a changed configuration: convergence at work',
  Coverage: 'a percentage per sweep; ReconcileMissing alarms on its complement',
  OutOfScope: 'tasks the configured scope leaves out, as configured (scope names are validated at start)',
};

/** Alarm descriptions of the metrics that page; others get a generic one. */
const ALARM_DESCRIPTIONS: Readonly<Partial<Record<MetricName, string>>> = {
  EniUnsupported: 'A task ENI cannot be mirrored (unsupported host); the task is tagged ecs-traffic-mirror:unsupported.',
  PoolFull: 'A task ENI is not mirrored: every target of its pool is at its sources quota (10 per ENI target), or its AZ id has no pool. Add a target to the pool (rules targetIds / targetsByAz); the next sweep mirrors it.',
  QuotaExceeded: 'A Traffic Mirroring quota was hit (sessions per ENI, per account, or sources per target).',
  ConfigError: 'The Lambdas report invalid configuration (e.g. the target or filter no longer exists): nothing is mirrored.',
  InvalidEvent: 'A message on the task-event queue is not an ECS Task State Change event: something other than the rule sends to the queue, or the event format changed.',
  EventFailed: 'Handling a task event failed; it is retried and reaches the dead-letter queue after 5 receives.',
};

/** Metrics with an alarm of their own shape (not ≥ 1 per 5 minutes). */
const SPECIAL_ALARMS: readonly MetricName[] = ['ReconcileMissing'];


/** The alarms of one EcsTrafficMirror. All treat missing data as not breaching. */
export interface EcsTrafficMirrorAlarms {
  /** Messages in the dead-letter queue (ApproximateNumberOfMessagesVisible ≥ 1): events that were never handled. */
  readonly deadLetterQueue: cloudwatch.Alarm;
  /** The event Lambda reported errors (Errors ≥ 1). */
  readonly eventFunctionErrors: cloudwatch.Alarm;
  /** The reconcile Lambda reported errors (Errors ≥ 1). */
  readonly reconcileFunctionErrors: cloudwatch.Alarm;
  /** A task ENI could not be mirrored (EniUnsupported ≥ 1). */
  readonly eniUnsupported: cloudwatch.Alarm;
  /** A Traffic Mirroring quota was hit (QuotaExceeded ≥ 1). */
  readonly quotaExceeded: cloudwatch.Alarm;
  /** A pool of targets was full, or an AZ had no pool (PoolFull ≥ 1): ENIs left unmirrored until a target is added. */
  readonly poolFull: cloudwatch.Alarm;
  /** The Lambdas reported invalid configuration, e.g. a deleted target or filter (ConfigError ≥ 1). */
  readonly configError: cloudwatch.Alarm;
  /** The reconcile found unmirrored ENIs in 3 consecutive periods (ReconcileMissing > 0): the event path is losing tasks. */
  readonly reconcileMissing: cloudwatch.Alarm;
  /** The oldest queued task event is older than 15 minutes: the event path is not keeping up. */
  readonly queueAge: cloudwatch.Alarm;
  /** A queued message was not a task event (InvalidEvent ≥ 1). */
  readonly invalidEvent: cloudwatch.Alarm;
  /** A task event could not be handled (EventFailed ≥ 1). */
  readonly eventFailed: cloudwatch.Alarm;
  /** The ≥ 1 alarm of every emitted metric that is neither informational nor specially alarmed, by metric. */
  readonly byMetric: Readonly<Partial<Record<MetricName, cloudwatch.Alarm>>>;
}

/** Inputs of {@link MirrorMonitoring}. */
export interface MirrorMonitoringProps {
  /** The Lambda fed by the task-event queue. */
  readonly eventFunction: lambda.IFunction;
  /** The periodic reconcile Lambda. */
  readonly reconcileFunction: lambda.IFunction;
  /** The task-event queue. */
  readonly queue: sqs.IQueue;
  /** The dead-letter queue of the task-event queue and of the rule target. */
  readonly deadLetterQueue: sqs.IQueue;
  /** How often the reconcile runs; the ReconcileMissing alarm evaluates one run per period. */
  readonly reconcilePeriod: Duration;
  /**
   * Topic that receives alarm notifications.
   * @default - alarms have no actions
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * Name of the dashboard.
   * @default - a name generated by CloudFormation
   */
  readonly dashboardName?: string;
}

const PERIOD = Duration.minutes(5);

/** The metrics the named widgets chart; the "Other metrics" widget charts the rest of METRIC. */
const CHARTED_ABOVE: readonly MetricName[] = [
  'SessionCreated', 'SessionExists',
  'EniUnsupported', 'TaskStopped', 'QuotaExceeded', 'PoolFull', 'EniNotFoundRetried', 'ConfigError', 'InvalidEvent', 'EventFailed',
  'Coverage', 'ReconcileCreated', 'ReconcileDeleted', 'ReconcileMissing',
];

/** Alarms and a dashboard over the Lambdas' EMF metrics, the Lambdas and the queues. */
export class MirrorMonitoring extends Construct {
  /** The alarms, by what they watch. */
  public readonly alarms: EcsTrafficMirrorAlarms;
  /** Every alarm, once. */
  public readonly allAlarms: readonly cloudwatch.Alarm[];
  /** The operations dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MirrorMonitoringProps) {
    super(scope, id);
    const { eventFunction, reconcileFunction, queue, deadLetterQueue } = props;

    const dlqDepth = deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' });
    const queueAge = queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' });
    const reconcileMissing = mirrorMetric('ReconcileMissing', { period: props.reconcilePeriod });

    const byMetric: Partial<Record<MetricName, cloudwatch.Alarm>> = {};
    for (const name of METRIC_NAMES) {
      if (INFORMATIONAL_METRICS[name] !== undefined || SPECIAL_ALARMS.includes(name)) continue;
      byMetric[name] = this.atLeastOnce(`${name}Alarm`, mirrorMetric(name), ALARM_DESCRIPTIONS[name] ?? `The Lambdas reported ${name}.`);
    }
    const metricAlarm = (name: MetricName): cloudwatch.Alarm => {
      const alarm = byMetric[name];
      if (!alarm) throw new Error(`no alarm for ${name}`);
      return alarm;
    };

    this.alarms = {
      deadLetterQueue: this.atLeastOnce('DeadLetterQueueAlarm', dlqDepth,
        'Task events reached the dead-letter queue: some tasks may not be mirrored. Inspect the messages, fix the cause, redrive.'),
      eventFunctionErrors: this.atLeastOnce('EventFunctionErrorsAlarm', eventFunction.metricErrors({ period: PERIOD }),
        'The task-event Lambda failed; failed batch items are retried and reach the dead-letter queue after 5 receives.'),
      reconcileFunctionErrors: this.atLeastOnce('ReconcileFunctionErrorsAlarm', reconcileFunction.metricErrors({ period: PERIOD }),
        'The reconcile Lambda failed: missed tasks are not being caught up.'),
      eniUnsupported: metricAlarm('EniUnsupported'),
      quotaExceeded: metricAlarm('QuotaExceeded'),
      poolFull: metricAlarm('PoolFull'),
      configError: metricAlarm('ConfigError'),
      invalidEvent: metricAlarm('InvalidEvent'),
      eventFailed: metricAlarm('EventFailed'),
      reconcileMissing: new cloudwatch.Alarm(this, 'ReconcileMissingAlarm', {
        alarmDescription: 'The reconcile found unmirrored task ENIs in 3 consecutive runs: the event path is missing tasks.',
        metric: reconcileMissing,
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      queueAge: new cloudwatch.Alarm(this, 'QueueAgeAlarm', {
        alarmDescription: 'The oldest task event has waited more than 15 minutes: the event path is not keeping up.',
        metric: queueAge,
        threshold: Duration.minutes(15).toSeconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      byMetric,
    };
    const { byMetric: _byMetric, ...named } = this.alarms;
    this.allAlarms = [...new Set<cloudwatch.Alarm>([...Object.values(named), ...Object.values(byMetric)])];

    if (props.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(props.alarmTopic);
      for (const alarm of this.allAlarms) alarm.addAlarmAction(action);
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Sessions (event path)',
        left: [mirrorMetric('SessionCreated'), mirrorMetric('SessionExists')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Outcomes',
        left: [
          mirrorMetric('EniUnsupported'),
          mirrorMetric('TaskStopped'),
          mirrorMetric('QuotaExceeded'),
          mirrorMetric('PoolFull'),
          mirrorMetric('EniNotFoundRetried'),
          mirrorMetric('ConfigError'),
          mirrorMetric('InvalidEvent'),
          mirrorMetric('EventFailed'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Coverage (% of in-scope ENIs mirrored, per reconcile)',
        left: [mirrorMetric('Coverage', { statistic: 'Minimum', period: props.reconcilePeriod })],
        leftYAxis: { min: 0, max: 100, label: '%', showUnits: false },
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Reconcile',
        left: [
          mirrorMetric('ReconcileCreated', { period: props.reconcilePeriod }),
          mirrorMetric('ReconcileDeleted', { period: props.reconcilePeriod }),
          reconcileMissing,
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda errors and throttles',
        left: [
          eventFunction.metricErrors({ period: PERIOD, label: 'event Errors' }),
          eventFunction.metricThrottles({ period: PERIOD, label: 'event Throttles' }),
          reconcileFunction.metricErrors({ period: PERIOD, label: 'reconcile Errors' }),
        ],
        right: [eventFunction.metricDuration({ period: PERIOD, statistic: 'p99', label: 'event Duration p99' })],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Queues',
        left: [
          queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'queue depth' }),
          deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum', label: 'DLQ depth' }),
        ],
        right: [queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum', label: 'oldest message age (s)' })],
        width: 8,
      }),
    );
    // Whatever metric the widgets above do not name yet (one added to METRIC) is still charted.
    const charted = new Set<string>(CHARTED_ABOVE);
    const others = METRIC_NAMES.filter((name) => !charted.has(name));
    if (others.length > 0) {
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({ title: 'Other metrics', left: others.map((name) => mirrorMetric(name)), width: 24 }),
      );
    }
    this.dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.allAlarms], width: 24 }),
    );
  }

  private atLeastOnce(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    return new cloudwatch.Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
  }
}

/** One of the Lambdas' EMF metrics, with the `service` dimension Powertools adds. */
export function mirrorMetric(
  metricName: MetricName,
  options: { readonly statistic?: string; readonly period?: Duration } = {},
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? PERIOD,
  });
}
