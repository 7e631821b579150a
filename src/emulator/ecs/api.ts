import { ApiError } from '../context.js';
import { throttled, unknownOperation } from './errors.js';
import type { Input } from './input.js';
import { listAccountSettings, putAccountSetting, putAccountSettingDefault } from './operations/account-settings.js';
import { createCapacityProvider, describeCapacityProviders } from './operations/capacity-providers.js';
import { createCluster, describeClusters, listClusters } from './operations/clusters.js';
import {
  deregisterContainerInstance,
  describeContainerInstances,
  listContainerInstances,
  registerContainerInstance,
} from './operations/container-instances.js';
import { runTask } from './operations/run-task.js';
import { createService, deleteService, describeServices, listServices, updateService } from './operations/services.js';
import { stopTask } from './operations/stop-task.js';
import { listTagsForResource, tagResource, untagResource } from './operations/tags.js';
import { describeTaskDefinition, registerTaskDefinition } from './operations/task-definitions.js';
import { describeTasks, listTasks } from './operations/task-queries.js';
import type { EcsRuntime, Operation } from './runtime.js';
import { compact } from './views.js';

const OPERATIONS: Readonly<Record<string, Operation>> = {
  CreateCluster: createCluster,
  ListClusters: listClusters,
  DescribeClusters: describeClusters,
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  RunTask: runTask,
  StopTask: stopTask,
  ListTasks: listTasks,
  DescribeTasks: describeTasks,
  CreateService: createService,
  UpdateService: updateService,
  DeleteService: deleteService,
  DescribeServices: describeServices,
  ListServices: listServices,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  RegisterContainerInstance: registerContainerInstance,
  DeregisterContainerInstance: deregisterContainerInstance,
  DescribeContainerInstances: describeContainerInstances,
  ListContainerInstances: listContainerInstances,
  CreateCapacityProvider: createCapacityProvider,
  DescribeCapacityProviders: describeCapacityProviders,
  PutAccountSetting: putAccountSetting,
  PutAccountSettingDefault: putAccountSettingDefault,
  ListAccountSettings: listAccountSettings,
};

export const ECS_OPERATIONS: readonly string[] = Object.keys(OPERATIONS);

/**
 * The ECS API front door: counts every call per operation (benchmarks report them), injects
 * throttling, and turns an unexpected failure into the ServerException ECS would answer.
 */
export class EcsApi {
  private readonly calls = new Map<string, number>();
  private readonly throttledCalls = new Map<string, number>();

  constructor(private readonly runtime: EcsRuntime) {}

  handle(operationName: string, input: Input): Record<string, unknown> {
    this.calls.set(operationName, (this.calls.get(operationName) ?? 0) + 1);
    const operation = Object.hasOwn(OPERATIONS, operationName) ? OPERATIONS[operationName] : undefined;
    if (!operation) throw unknownOperation(operationName);
    const { random, faults } = this.runtime.context;
    if (random.chance(faults().ecsThrottleRate)) {
      this.throttledCalls.set(operationName, (this.throttledCalls.get(operationName) ?? 0) + 1);
      throw throttled();
    }
    try {
      return compact(operation(this.runtime, input));
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError('ServerException', error instanceof Error ? error.message : String(error), 500);
    }
  }

  /** Calls per operation, throttled ones included. */
  operationCounts(): Record<string, number> {
    return Object.fromEntries(this.calls);
  }

  throttledCounts(): Record<string, number> {
    return Object.fromEntries(this.throttledCalls);
  }
}
