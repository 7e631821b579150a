import {
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  StopTaskCommand,
  TagResourceCommand,
  paginateListClusters,
  paginateListTasks,
  type ECSClientConfig,
} from '@aws-sdk/client-ecs';
import { InvalidEventError, MirrorError } from '../core/errors.js';
import { parseTaskDetail } from '../core/event.js';
import { DESCRIBE_TASKS_LIMIT, taskIdOf, type TaskSnapshot } from '../core/task.js';
import type { DescribedContainerInstances, DescribedTasks, EcsTasks, TaskLookupFailure } from '../ports/index.js';
import { toMirrorError } from './error-mapping.js';

/** The adapter over a client of its own (`lazyEcsTasks` creates it at first use). */
export function createSdkEcsTasks(config: ECSClientConfig): SdkEcsTasks {
  return new SdkEcsTasks(new ECSClient(config));
}

export class SdkEcsTasks implements EcsTasks {
  constructor(private readonly client: ECSClient) {}

  async listClusterArns(): Promise<string[]> {
    const arns: string[] = [];
    try {
      for await (const page of paginateListClusters({ client: this.client, pageSize: 100 }, {})) arns.push(...(page.clusterArns ?? []));
    } catch (error) {
      throw toMirrorError(error, 'ListClusters');
    }
    return arns;
  }

  async *listTaskArns(cluster: string, desiredStatus: 'RUNNING' | 'STOPPED', serviceName?: string): AsyncIterable<string[]> {
    try {
      const input = { cluster, desiredStatus, ...(serviceName === undefined ? {} : { serviceName }) };
      for await (const page of paginateListTasks({ client: this.client, pageSize: DESCRIBE_TASKS_LIMIT }, input)) yield page.taskArns ?? [];
    } catch (error) {
      throw toMirrorError(error, 'ListTasks');
    }
  }

  async describeTasks(cluster: string, taskArns: readonly string[]): Promise<DescribedTasks> {
    if (taskArns.length === 0) return { tasks: [], failures: [] };
    if (taskArns.length > DESCRIBE_TASKS_LIMIT) throw new MirrorError('invalid-parameter', `DescribeTasks takes at most ${DESCRIBE_TASKS_LIMIT} tasks`);
    let tasks;
    let failures;
    try {
      const output = await this.client.send(new DescribeTasksCommand({ cluster, tasks: [...taskArns], include: ['TAGS'] }));
      tasks = output.tasks ?? [];
      failures = output.failures ?? [];
    } catch (error) {
      throw toMirrorError(error, 'DescribeTasks');
    }
    const snapshots: TaskSnapshot[] = [];
    for (const task of tasks) {
      try {
        snapshots.push(parseTaskDetail(task));
      } catch (error) {
        // A task ECS describes but we cannot read is a bug to see, not a task to skip silently.
        if (!(error instanceof InvalidEventError)) throw error;
        throw new MirrorError('unknown', `DescribeTasks returned a task that cannot be read: ${error.message}`, undefined, { cause: error });
      }
    }
    return accountFor(taskArns, snapshots, failures);
  }

  async stopTask(cluster: string, taskArn: string, reason: string): Promise<void> {
    try {
      await this.client.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
    } catch (error) {
      throw toMirrorError(error, 'StopTask');
    }
  }

  async tagTask(taskArn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    try {
      await this.client.send(
        new TagResourceCommand({ resourceArn: taskArn, tags: Object.entries(tags).map(([key, value]) => ({ key, value })) }),
      );
    } catch (error) {
      throw toMirrorError(error, 'TagResource');
    }
  }

  async describeContainerInstances(cluster: string, containerInstanceArns: readonly string[]): Promise<DescribedContainerInstances> {
    if (containerInstanceArns.length === 0) return { instances: [], missing: [] };
    if (containerInstanceArns.length > DESCRIBE_TASKS_LIMIT) throw new MirrorError('invalid-parameter', `DescribeContainerInstances takes at most ${DESCRIBE_TASKS_LIMIT} instances`);
    try {
      const output = await this.client.send(new DescribeContainerInstancesCommand({ cluster, containerInstances: [...containerInstanceArns] }));
      return {
        instances: (output.containerInstances ?? []).flatMap((ci) =>
          ci.containerInstanceArn === undefined
            ? []
            : [
                {
                  containerInstanceArn: ci.containerInstanceArn,
                  status: ci.status ?? 'UNKNOWN',
                  ...(ci.ec2InstanceId === undefined ? {} : { ec2InstanceId: ci.ec2InstanceId }),
                  ...(ci.runningTasksCount === undefined ? {} : { runningTasksCount: ci.runningTasksCount }),
                  ...(ci.pendingTasksCount === undefined ? {} : { pendingTasksCount: ci.pendingTasksCount }),
                },
              ],
        ),
        // Only MISSING is ECS's word that the instance is gone; any other failure says nothing.
        missing: (output.failures ?? []).flatMap((f) => (f.reason === 'MISSING' && f.arn !== undefined ? [f.arn] : [])),
      };
    } catch (error) {
      throw toMirrorError(error, 'DescribeContainerInstances');
    }
  }
}

/**
 * Every task asked about ends up described or failed: ECS's `failures` become typed results, and
 * a task the answer leaves out altogether (an empty or cut body) is a failure too, never "gone".
 */
function accountFor(
  asked: readonly string[],
  tasks: TaskSnapshot[],
  failures: readonly { arn?: string; reason?: string; detail?: string }[],
): DescribedTasks {
  const described = new Set(tasks.map((t) => taskIdOf(t.taskArn)));
  const failed: TaskLookupFailure[] = [];
  const failedIds = new Set<string>();
  for (const failure of failures) {
    const arn = failure.arn ?? '';
    failedIds.add(taskIdOf(arn));
    failed.push({ arn, reason: failure.reason ?? 'UNKNOWN', ...(failure.detail ? { detail: failure.detail } : {}) });
  }
  for (const arn of asked) {
    const id = taskIdOf(arn);
    if (!described.has(id) && !failedIds.has(id)) failed.push({ arn, reason: 'NOT_ANSWERED' });
  }
  return { tasks, failures: failed };
}
