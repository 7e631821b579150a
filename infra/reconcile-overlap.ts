import { Duration, Token } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import { EcsTrafficMirrorConfigError } from './config-error.js';

export type ReconcileSchedule = Duration | events.Schedule | false | undefined;

/** The default schedule: every 5 minutes. */
export const DEFAULT_RECONCILE_RATE = Duration.minutes(5);

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/**
 * How often the schedule runs the sweep, when it is a rate; undefined for a cron expression
 * (whose gaps vary) or no schedule.
 */
export function reconcileRate(schedule: ReconcileSchedule): Duration | undefined {
  if (schedule === false) return undefined;
  if (schedule === undefined) return DEFAULT_RECONCILE_RATE;
  if (schedule instanceof Duration) return schedule;
  if (Token.isUnresolved(schedule.expressionString)) return undefined;
  const match = RATE.exec(schedule.expressionString);
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  if (unit.startsWith('minute')) return Duration.minutes(amount);
  if (unit.startsWith('hour')) return Duration.hours(amount);
  return Duration.days(amount);
}

/**
 * The default reconcile timeout: 4 minutes, or 10 s less than a faster rate, so that one run
 * ends before the next starts.
 */
export function defaultReconcileTimeout(schedule: ReconcileSchedule): Duration {
  const rate = reconcileRate(schedule);
  const seconds = rate === undefined ? 240 : Math.min(240, rate.toSeconds() - 10);
  return Duration.seconds(Math.max(seconds, 1));
}

/**
 * Refuses a reconcile timeout that is not strictly below the schedule's rate: a run still going
 * when the next is due would meet reserved concurrency 1 and the next run would be throttled
 * (and retried by EventBridge), or, without it, two sweeps would race for the same ENIs.
 */
export function checkReconcileOverlap(schedule: ReconcileSchedule, timeout: Duration): void {
  const rate = reconcileRate(schedule);
  if (rate === undefined) return;
  if (timeout.toSeconds() >= rate.toSeconds()) {
    throw new EcsTrafficMirrorConfigError(
      `reconcileTimeout: must be shorter than the reconcile schedule's rate so that runs cannot overlap (timeout ${timeout.toSeconds()} s, rate ${rate.toSeconds()} s)`,
    );
  }
}
