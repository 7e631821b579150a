import type { EmulatorContext } from '../context.js';
import type { TaskArnFormat } from './arns.js';
import type { Capacity } from './container-instances.js';
import type { AccountSettings } from './operations/account-settings.js';
import type { Input } from './input.js';
import type { ManagedInstances } from './managed-instances.js';
import type { TaskLifecycle } from './lifecycle.js';
import type { EcsStore } from './store.js';

/** What every operation works on. */
export interface EcsRuntime {
  readonly context: EmulatorContext;
  readonly store: EcsStore;
  readonly lifecycle: TaskLifecycle;
  /** Registered container instances and their placement. */
  readonly capacity: Capacity;
  /** Managed Instances capacity providers and the instances ECS launched for them. */
  readonly managedInstances: ManagedInstances;
  readonly accountSettings: AccountSettings;
  /** The ARN format new tasks get (the account's `taskLongArnFormat` setting). */
  taskArnFormat: TaskArnFormat;
}

/** One ECS API operation: a decoded request in, a plain JSON-ready answer out (or ApiError). */
export type Operation = (runtime: EcsRuntime, input: Input) => Record<string, unknown>;
