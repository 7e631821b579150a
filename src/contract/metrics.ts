/**
 * CloudWatch metrics (Embedded Metric Format) the Lambdas emit. The construct's alarms and
 * dashboard are built from this same table, so a metric cannot be emitted and left unwatched.
 */
export const METRIC = {
  sessionCreated: 'SessionCreated',
  sessionExists: 'SessionExists',
  /** A session of ours changed in place to what the rules now want (filter, target, packet length…). */
  sessionModified: 'SessionModified',
  /** An ENI left unmirrored because every target of its pool is at its sources quota, or its AZ has no pool. */
  poolFull: 'PoolFull',
  eniUnsupported: 'EniUnsupported',
  taskStopped: 'TaskStopped',
  quotaExceeded: 'QuotaExceeded',
  eniNotFoundRetried: 'EniNotFoundRetried',
  configError: 'ConfigError',
  invalidEvent: 'InvalidEvent',
  eventFailed: 'EventFailed',
  /** An event that ECS contradicts (unknown task, another task's ENI, out of scope per ECS): dead-lettered. */
  eventRejected: 'EventRejected',
  /** Events left unfinished at the batch's deadline and returned for redelivery. */
  eventDeadline: 'EventDeadline',
  /** stop-task: the stop budget could not be read with certainty, so the task was reported, not stopped. */
  stopBudgetUncertain: 'StopBudgetUncertain',
  reconcileCreated: 'ReconcileCreated',
  reconcileDeleted: 'ReconcileDeleted',
  /** Sessions of ours the sweep changed in place to what the rules now want. */
  reconcileModified: 'ReconcileModified',
  reconcileMissing: 'ReconcileMissing',
  /** Sessions of ours a sweep kept because ECS said nothing certain about their tasks. */
  sweepUnverified: 'SweepUnverified',
  /** Deletes a sweep refused (circuit breaker, scope matching nothing). */
  sweepDeletesHeld: 'SweepDeletesHeld',
  /** Task events whose task the scope excludes: a scope that excludes everything shows here. */
  outOfScope: 'OutOfScope',
  coverage: 'Coverage',
  /** Hub: events of a member account whose role could not be assumed (wrong trust, missing role): retried, then dead-lettered. */
  memberUnreachable: 'MemberUnreachable',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** Every metric name, for the tests that keep dashboard and alarms complete. */
export const METRIC_NAMES: readonly MetricName[] = Object.values(METRIC);

/** CloudWatch namespace of the EMF metrics (POWERTOOLS_METRICS_NAMESPACE). */
export const METRICS_NAMESPACE = 'EcsTrafficMirror';

/** Powertools service name: the `service` dimension of every metric and the logs' service field. */
export const SERVICE_NAME = 'ecs-traffic-mirror';
