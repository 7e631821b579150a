import { LAST_STOP_TASK_TAG, STOP_CLAIM_TASK_TAG } from '../contract/tags.js';
import { MirrorError } from '../core/errors.js';
import { UNSUPPORTED_TASK_TAG } from '../core/session.js';
import { STOP_REASON, decideStop, releasedClaimValue, type ServiceBudgetRead } from '../core/stop-budget.js';
import type { TaskSnapshot } from '../core/task.js';
import { METRIC, type AppDeps } from './deps.js';
import type { EniResult } from './results.js';

export { STOP_REASON } from '../core/stop-budget.js';

/**
 * An ENI that EC2 will never mirror. `report` tags the task so sweeps and `status` know why it
 * is unmirrored; `stop-task` also stops it — only for service tasks, which their service
 * replaces (maybe on a supported host), and at most a bounded number per service per window so
 * that a service on unsupported hosts is not restarted forever.
 */
export async function handleUnsupportedEni(task: TaskSnapshot, networkInterfaceId: string, deps: AppDeps): Promise<EniResult> {
  deps.metrics.count(METRIC.eniUnsupported);
  const base = { networkInterfaceId, outcome: 'unsupported' as const };
  const ecs = await deps.ecs();
  try {
    await ecs.tagTask(task.taskArn, { [UNSUPPORTED_TASK_TAG]: networkInterfaceId });
  } catch (error) {
    deps.logger.warn('could not tag the task of an unsupported ENI', { taskArn: task.taskArn, networkInterfaceId, error: describe(error) });
  }

  if (deps.config.unsupported.policy === 'report') {
    deps.logger.warn('ENI cannot be mirrored; reported (policy report)', { taskArn: task.taskArn, networkInterfaceId });
    return { ...base, reason: 'host does not support traffic mirroring; reported' };
  }
  const serviceName = task.serviceName;
  if (!serviceName) {
    deps.logger.warn('ENI cannot be mirrored; standalone task reported, never stopped', { taskArn: task.taskArn, networkInterfaceId });
    return { ...base, reason: 'standalone task: no service would replace it, so it is reported, never stopped' };
  }
  if (task.desiredStatus === 'STOPPED') return { ...base, reason: 'task is already stopping' };

  return stopLedgerOf(deps).serially(`${task.clusterArn} ${serviceName}`, () => stopWithinBudget(task, serviceName, networkInterfaceId, deps));
}

/** Longest time from claim to StopTask that is still acted on. */
const CLAIM_VALIDITY_MS = 60_000;

/**
 * Claim, read, decide, then stop or release (see decideStop for why the budget holds across
 * concurrent Lambdas). Anything uncertain ends in `report`: the task is already tagged.
 */
async function stopWithinBudget(task: TaskSnapshot, serviceName: string, networkInterfaceId: string, deps: AppDeps): Promise<EniResult> {
  const { maxStopsPerService, windowMinutes } = deps.config.unsupported;
  const ecs = await deps.ecs();
  const ledger = stopLedgerOf(deps);
  const service = `${task.clusterArn} ${serviceName}`;
  const claimedAt = new Date(deps.clock.now()).toISOString();
  const reported = (reason: string): EniResult => ({ networkInterfaceId, outcome: 'unsupported', reason });
  const uncertain = (reason: string): EniResult => {
    deps.metrics.count(METRIC.stopBudgetUncertain);
    deps.logger.error('ENI cannot be mirrored; stop budget cannot be read with certainty, task left running and reported', {
      taskArn: task.taskArn,
      serviceName,
      reason,
    });
    return reported(`stop budget uncertain, so nothing was stopped: ${reason}`);
  };

  try {
    await ecs.tagTask(task.taskArn, { [STOP_CLAIM_TASK_TAG]: claimedAt });
  } catch (error) {
    return uncertain(`could not claim the stop: ${describe(error)}`);
  }
  const read = await readService(task.clusterArn, serviceName, deps);
  const decision = decideStop({
    taskArn: task.taskArn,
    claimedAt,
    now: deps.clock.now(),
    windowMinutes,
    maxStops: maxStopsPerService,
    read,
    ownStops: ledger.stopsOf(service),
  });
  if (decision.decision !== 'stop') {
    await release(task, releasedClaimValue(claimedAt, decision.decision === 'spent' ? decision.lastStopAt : undefined), deps);
    if (decision.decision === 'uncertain') return uncertain(decision.reason);
    deps.logger.error('ENI cannot be mirrored; stop budget of the service is spent, task left running', {
      taskArn: task.taskArn,
      serviceName,
      used: decision.used,
      maxStopsPerService,
    });
    return reported(`stop budget spent: ${decision.used} of ${maxStopsPerService} stops of service ${serviceName} in ${windowMinutes} min are taken`);
  }
  if (deps.clock.now() - Date.parse(claimedAt) > CLAIM_VALIDITY_MS) {
    // Others counted this claim as live only as it was when they read; a decision this late
    // (a process frozen mid-way, resumed in a later invocation) is not acted on.
    await release(task, releasedClaimValue(claimedAt), deps);
    return uncertain(`the decision took longer than ${CLAIM_VALIDITY_MS / 1000} s after the claim`);
  }
  try {
    await ecs.stopTask(task.clusterArn, task.taskArn, STOP_REASON);
  } catch (error) {
    // The stop may have happened (a lost answer): the claim stays, so the budget counts it.
    return uncertain(`StopTask failed: ${describe(error)}`);
  }
  const stoppedAt = deps.clock.now();
  ledger.remember(service, task.taskArn, stoppedAt);
  await leaveStopTrace(task, read, new Date(stoppedAt).toISOString(), deps);
  deps.metrics.count(METRIC.taskStopped);
  deps.logger.warn('ENI cannot be mirrored; task stopped for its service to replace', { taskArn: task.taskArn, networkInterfaceId });
  return { networkInterfaceId, outcome: 'stopped-task', reason: 'host does not support traffic mirroring; task stopped' };
}

/** Running tasks of the service that carry the trace of a stop: a few, so one replaced task does not lose it. */
const STOP_TRACE_TASKS = 3;

/**
 * ECS deletes the tags of the task we stopped, and ListTasks(STOPPED) answering empty cannot be
 * told from "none": so the time of the stop goes onto running tasks of the service as well, where
 * the next reader — in any process — finds it and knows its answer must show that stop.
 */
async function leaveStopTrace(stopped: TaskSnapshot, read: ServiceBudgetRead, at: string, deps: AppDeps): Promise<void> {
  const ecs = await deps.ecs();
  const running = [...new Map(read.tasks.filter((t) => t.taskArn !== stopped.taskArn && t.desiredStatus !== 'STOPPED').map((t) => [t.taskArn, t])).values()];
  for (const task of running.slice(0, STOP_TRACE_TASKS)) {
    try {
      await ecs.tagTask(task.taskArn, { [LAST_STOP_TASK_TAG]: at });
    } catch (error) {
      deps.logger.warn('could not leave the trace of a stop on a running task of the service', { taskArn: task.taskArn, error: describe(error) });
    }
  }
}

/** A claim that did not stop frees its share of the budget; if the release fails, the claim just expires with the window. */
async function release(task: TaskSnapshot, released: string, deps: AppDeps): Promise<void> {
  try {
    await (await deps.ecs()).tagTask(task.taskArn, { [STOP_CLAIM_TASK_TAG]: released });
  } catch (error) {
    deps.logger.warn('could not release a stop claim; it counts against the budget until the window ends', { taskArn: task.taskArn, error: describe(error) });
  }
}

/**
 * The service's tasks, RUNNING first and then STOPPED: a claimant that stops in between moves from
 * the first list (claim tag) to the second (stop reason), so it is read at least once.
 */
async function readService(cluster: string, serviceName: string, deps: AppDeps): Promise<ServiceBudgetRead> {
  const ecs = await deps.ecs();
  const tasks: TaskSnapshot[] = [];
  const problems: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    try {
      for await (const arns of ecs.listTaskArns(cluster, desiredStatus, serviceName)) {
        const described = await ecs.describeTasks(cluster, arns);
        tasks.push(...described.tasks);
        for (const failure of described.failures) problems.push(`DescribeTasks: ${failure.arn} ${failure.reason}`);
      }
    } catch (error) {
      problems.push(`${desiredStatus} tasks: ${describe(error)}`);
    }
  }
  return { tasks, problems };
}

/**
 * What this process itself stopped, per service, and one decision at a time per service: claims
 * of one process never contend with each other, so the budget's pessimism (see decideStop) only
 * applies between processes. Kept per AppDeps, which an entry point builds once per process.
 */
class StopLedger {
  private readonly stops = new Map<string, { taskArn: string; at: number }[]>();
  private readonly queues = new Map<string, Promise<unknown>>();

  serially<T>(service: string, work: () => Promise<T>): Promise<T> {
    const turn = (this.queues.get(service) ?? Promise.resolve()).then(work, work);
    this.queues.set(service, turn.catch(() => undefined));
    return turn;
  }

  remember(service: string, taskArn: string, at: number): void {
    this.stops.set(service, [...(this.stops.get(service) ?? []), { taskArn, at }]);
  }

  stopsOf(service: string): readonly { taskArn: string; at: number }[] {
    return this.stops.get(service) ?? [];
  }
}

const ledgers = new WeakMap<AppDeps, StopLedger>();

function stopLedgerOf(deps: AppDeps): StopLedger {
  let ledger = ledgers.get(deps);
  if (!ledger) {
    ledger = new StopLedger();
    ledgers.set(deps, ledger);
  }
  return ledger;
}

function describe(error: unknown): string {
  return error instanceof MirrorError || error instanceof Error ? error.message : String(error);
}
