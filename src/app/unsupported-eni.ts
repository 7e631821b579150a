import type { TaskSnapshot } from '../core/task.js';
import { MirrorError } from '../core/errors.js';
import { UNSUPPORTED_TASK_TAG } from '../core/session.js';
import { METRIC, type AppDeps } from './deps.js';
import type { EniResult } from './results.js';

/** Prefix of the reason given to ECS when we stop a task: it is how the stop budget finds our stops. */
export const STOP_REASON = 'ecs-traffic-mirror: network interface cannot be mirrored (host does not support traffic mirroring)';

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

  const { policy, maxStopsPerService, windowMinutes } = deps.config.unsupported;
  if (policy === 'report') {
    deps.logger.warn('ENI cannot be mirrored; reported (policy report)', { taskArn: task.taskArn, networkInterfaceId });
    return { ...base, reason: 'host does not support traffic mirroring; reported' };
  }
  if (!task.serviceName) {
    deps.logger.warn('ENI cannot be mirrored; standalone task reported, never stopped', { taskArn: task.taskArn, networkInterfaceId });
    return { ...base, reason: 'standalone task: no service would replace it, so it is reported, never stopped' };
  }
  if (task.desiredStatus === 'STOPPED') return { ...base, reason: 'task is already stopping' };

  const recentStops = await countRecentStops(task, deps, windowMinutes);
  if (recentStops >= maxStopsPerService) {
    deps.logger.error('ENI cannot be mirrored; stop budget of the service is spent, task left running', {
      taskArn: task.taskArn,
      serviceName: task.serviceName,
      recentStops,
      maxStopsPerService,
    });
    return { ...base, reason: `stop budget spent: ${recentStops} tasks of service ${task.serviceName} stopped in ${windowMinutes} min` };
  }
  await ecs.stopTask(task.clusterArn, task.taskArn, STOP_REASON);
  deps.metrics.count(METRIC.taskStopped);
  deps.logger.warn('ENI cannot be mirrored; task stopped for its service to replace', { taskArn: task.taskArn, networkInterfaceId });
  return { networkInterfaceId, outcome: 'stopped-task', reason: 'host does not support traffic mirroring; task stopped' };
}

/** ECS itself remembers recently stopped tasks and why: the budget needs no store of our own. */
async function countRecentStops(task: TaskSnapshot, deps: AppDeps, windowMinutes: number): Promise<number> {
  if (!task.serviceName) return 0;
  const ecs = await deps.ecs();
  const since = deps.clock.now() - windowMinutes * 60_000;
  let count = 0;
  for await (const arns of ecs.listTaskArns(task.clusterArn, 'STOPPED', task.serviceName)) {
    const { tasks: stopped } = await ecs.describeTasks(task.clusterArn, arns);
    count += stopped.filter(
      (t) => t.stoppedReason?.startsWith(STOP_REASON) && (t.stoppedAt === undefined || Date.parse(t.stoppedAt) >= since),
    ).length;
  }
  return count;
}

function describe(error: unknown): string {
  return error instanceof MirrorError || error instanceof Error ? error.message : String(error);
}
