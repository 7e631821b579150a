import { LAST_STOP_TASK_TAG, STOP_CLAIM_TASK_TAG } from '../contract/tags.js';
import type { TaskSnapshot } from './task.js';

/** Prefix of the reason given to ECS when we stop a task: it is how the stop budget finds our stops. */
export const STOP_REASON = 'ecs-traffic-mirror: network interface cannot be mirrored (host does not support traffic mirroring)';

const RELEASED = 'released ';
const LAST_STOP = ' last-stop ';

/**
 * The value a claim is overwritten with when it did not lead to a stop. It keeps the time of the
 * newest stop of ours that the claimant saw: a running task carries it on, and a later reader
 * that no longer sees that stop knows its answer is incomplete (stopped tasks lose their tags).
 */
export function releasedClaimValue(claimedAt: string, lastStopAt?: string): string {
  return `${RELEASED}${claimedAt}${lastStopAt === undefined ? '' : `${LAST_STOP}${lastStopAt}`}`;
}

/** What one claimant read about its service, after it had tagged its own claim. */
export interface ServiceBudgetRead {
  /** The service's tasks, as DescribeTasks answered for ListTasks RUNNING, then STOPPED. */
  readonly tasks: readonly TaskSnapshot[];
  /** Anything that makes the read incomplete: DescribeTasks failures, errors of any call. */
  readonly problems: readonly string[];
}

export interface StopBudgetInput {
  readonly taskArn: string;
  /** The ISO time this claimant wrote into its own claim tag. */
  readonly claimedAt: string;
  readonly now: number;
  readonly windowMinutes: number;
  readonly maxStops: number;
  readonly read: ServiceBudgetRead;
  /** Stops of this service that this process made itself, and when (epoch ms). */
  readonly ownStops: readonly { readonly taskArn: string; readonly at: number }[];
}

export type StopDecision =
  | { readonly decision: 'stop'; readonly used: number }
  /** `lastStopAt`: the newest stoppedAt of our stops seen, for the released claim to keep. */
  | { readonly decision: 'spent'; readonly used: number; readonly lastStopAt?: string }
  | { readonly decision: 'uncertain'; readonly reason: string };

/**
 * Whether this claimant may stop its task within the service's budget.
 *
 * Every claimant first tags its own task with a claim, then reads the service, then decides; a
 * claim that did not stop is released, and a stop leaves our stop reason on the stopped task (ECS
 * deletes the tags). The rule: stop only if the tasks that use budget — stopped by us within the
 * window, or carrying a live claim (our own included) — are at most the budget.
 *
 * Why it holds for any number of concurrent event Lambdas: order the claimants of one service by
 * the time of their read. Each wrote its claim before its read, so the k-th reader sees the claims
 * of the k − 1 before it, except those released, which did not stop; a claim that led to a stop is
 * never released and turns into a visible stop reason. So the k-th reader counts at least every
 * earlier stopper plus itself, and stops only if that is within the budget: at most `maxStops`
 * stop. Ranking claims by time instead would let a later claim that cannot yet see an earlier one
 * stop beside it; this rule needs no clock agreement, at the price that claimants that all see
 * each other beyond the budget all refrain (they are reported; the next event may stop).
 *
 * The rule assumes the read is complete, so anything that says it is not makes the decision
 * `uncertain` — nothing is stopped: a DescribeTasks failure (MISSING, not answered), an error,
 * our own claim missing from the read (ListTasks RUNNING left our task out), or a stop this
 * process made within the window that the read does not show, or a stop of ours within the
 * window that a released claim on a running task recorded and the read does not show
 * (ListTasks STOPPED came back empty or short: from the answer alone that is not
 * distinguishable from "none"), or one that the last-stop tag on a running task records: every
 * stop leaves that tag on a few running tasks of its service, so even a process that never
 * stopped anything sees the trace. Only when every task that carried the trace has gone too does
 * the decision rest on ECS answering completely.
 */
export function decideStop(input: StopBudgetInput): StopDecision {
  const { read } = input;
  if (read.problems.length > 0) return uncertain(`the service's tasks could not all be read: ${read.problems.join('; ')}`);
  const since = input.now - input.windowMinutes * 60_000;
  // A task may be read twice (listed RUNNING, then STOPPED once we or another stopped it).
  const byArn = new Map<string, TaskSnapshot[]>();
  for (const task of read.tasks) byArn.set(task.taskArn, [...(byArn.get(task.taskArn) ?? []), task]);
  const any = (arn: string, test: (task: TaskSnapshot) => boolean) => (byArn.get(arn) ?? []).some(test);

  if (!any(input.taskArn, (task) => task.tags[STOP_CLAIM_TASK_TAG] === input.claimedAt)) {
    return uncertain('our own stop claim is not in what ECS answered, so the answer is incomplete');
  }
  for (const stop of input.ownStops) {
    if (stop.at < since) continue;
    if (!any(stop.taskArn, (task) => isOurStop(task, since))) {
      return uncertain(`ECS does not show ${stop.taskArn}, which this process stopped within the window, as stopped by us`);
    }
  }
  const ourStopTimes = read.tasks.flatMap((task) => (isOurStop(task, since) && task.stoppedAt !== undefined ? [Date.parse(task.stoppedAt)] : []));
  // A stop of ours still under way has no stoppedAt yet: it is at least as new as anything recorded.
  const stopUnderWay = read.tasks.some((task) => isOurStop(task, since) && task.stoppedAt === undefined);
  for (const task of read.tasks) {
    for (const recorded of [recordedLastStop(task.tags[STOP_CLAIM_TASK_TAG]), recordedTime(task.tags[LAST_STOP_TASK_TAG])]) {
      if (recorded === undefined || recorded < since) continue;
      if (!stopUnderWay && !ourStopTimes.some((at) => at >= recorded)) {
        return uncertain(`${task.taskArn} records a stop of ours at ${new Date(recorded).toISOString()} that ECS no longer shows`);
      }
    }
  }
  const used = [...byArn.keys()].filter((arn) => any(arn, (task) => isOurStop(task, since) || isLiveClaim(task, since))).length;
  if (used <= input.maxStops) return { decision: 'stop', used };
  const newest = ourStopTimes.filter((at) => !Number.isNaN(at)).sort((a, b) => b - a)[0];
  return { decision: 'spent', used, ...(newest === undefined ? {} : { lastStopAt: new Date(newest).toISOString() }) };
}

/** Stopped (or stopping) by us within the window; a task still stopping has no stoppedAt yet. */
function isOurStop(task: TaskSnapshot, since: number): boolean {
  if (!task.stoppedReason?.startsWith(STOP_REASON)) return false;
  if (task.stoppedAt === undefined) return true;
  const at = Date.parse(task.stoppedAt);
  return Number.isNaN(at) || at >= since;
}

/** A claim not released, made within the window (or with an unreadable time, which counts: fail closed). */
function isLiveClaim(task: TaskSnapshot, since: number): boolean {
  const value = task.tags[STOP_CLAIM_TASK_TAG];
  if (value === undefined || value.startsWith(RELEASED)) return false;
  const at = Date.parse(value);
  return Number.isNaN(at) || at >= since;
}

function recordedTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** The stop time a released claim kept, if it kept one. */
function recordedLastStop(value: string | undefined): number | undefined {
  if (value === undefined || !value.startsWith(RELEASED)) return undefined;
  const at = value.indexOf(LAST_STOP);
  if (at < 0) return undefined;
  const time = Date.parse(value.slice(at + LAST_STOP.length));
  return Number.isNaN(time) ? undefined : time;
}

function uncertain(reason: string): StopDecision {
  return { decision: 'uncertain', reason };
}
