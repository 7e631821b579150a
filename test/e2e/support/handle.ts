import type { AppDeps } from '../../../src/app/deps.js';
import { handleTaskEvents } from '../../../src/app/handle-task-events.js';
import type { EniResult, TaskEventResult } from '../../../src/app/results.js';
import { QueueDelivery } from '../../../src/emulator/event-delivery.js';
import type { RunningEmulator } from '../../../src/emulator/index.js';

/** Runs the event path on one event and returns its result. */
export async function handleOne(event: unknown, deps: AppDeps): Promise<TaskEventResult> {
  const [result] = await handleTaskEvents([event], deps);
  if (!result) throw new Error('handleTaskEvents returned no result');
  return result;
}

/** The single ENI result of a one-ENI task event. */
export function onlyEni(result: TaskEventResult): EniResult {
  if (result.enis.length !== 1) throw new Error(`expected one ENI result, got ${JSON.stringify(result.enis)}`);
  return result.enis[0] as EniResult;
}

export interface EventPipeline {
  readonly queue: QueueDelivery;
  /** Every result the handler returned, in order. */
  readonly results: TaskEventResult[];
  /** Results that carried a failure (the record was redelivered). */
  failures(): TaskEventResult[];
  stop(): void;
}

/**
 * EventBridge → SQS → Lambda in-process, as the construct deploys it: every event the emulator
 * delivers goes into a QueueDelivery whose batches run the real handleTaskEvents. Short batch
 * window and visibility timeout, so redeliveries happen within a test.
 */
export function pipeEvents(emulator: RunningEmulator, deps: AppDeps | (() => AppDeps), options: { batchSize?: number } = {}): EventPipeline {
  const results: TaskEventResult[] = [];
  const queue = new QueueDelivery(
    async (bodies) => {
      // A factory stands for a fresh Lambda container per invocation: no memory of earlier batches.
      const batch = await handleTaskEvents(bodies, typeof deps === 'function' ? deps() : deps);
      results.push(...batch);
      return batch.map((result) => result.failure !== undefined);
    },
    { batchSize: options.batchSize ?? 10, batchWindowMs: 20, maxConcurrency: 2, visibilityTimeoutMs: 200, maxReceiveCount: 5 },
  );
  const unsubscribe = emulator.ecs.subscribe((event) => queue.send(event));
  return {
    queue,
    results,
    failures: () => results.filter((result) => result.failure !== undefined),
    stop: () => {
      unsubscribe();
      queue.close();
    },
  };
}
