import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { AppDeps } from '../app/deps.js';
import { handleMemberTaskEvents } from '../app/handle-member-events.js';
import { handleTaskEvents, type HandleTaskEventsOptions } from '../app/handle-task-events.js';
import type { TaskEventResult } from '../app/results.js';
import { hubMembers, lambdaDeps } from './lambda-deps.js';

function isSqsEvent(event: unknown): event is SQSEvent {
  return typeof event === 'object' && event !== null && Array.isArray((event as { Records?: unknown }).Records);
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/**
 * Time kept back from the Lambda's own timeout: enough to build the answer and flush metrics, so
 * that unfinished records are returned for redelivery instead of the whole batch timing out (which
 * would redeliver even the records that were done, only after the visibility timeout).
 */
export const DEADLINE_SAFETY_MARGIN_MS = 5_000;

/**
 * A fifth of a short remaining time at most, so that a function configured with a timeout near the
 * margin still gets work done instead of returning every record at once.
 */
export function deadlineOf(now: number, remainingMs: number): number {
  return now + remainingMs - Math.min(DEADLINE_SAFETY_MARGIN_MS, remainingMs / 5);
}

/** The part of the Lambda context the handler reads. */
export type TimeLeft = Pick<Context, 'getRemainingTimeInMillis'>;

/**
 * Two ways in: an EventBridge event directly (the seed's wiring; a failure throws so that
 * Lambda retries and then dead-letters it), or an SQS batch of them (the construct's wiring;
 * failed records are returned for SQS to redeliver, then dead-letter).
 */
export const handler = async (event: unknown, context?: TimeLeft): Promise<SQSBatchResponse | TaskEventResult> => {
  const app = lambdaDeps();
  const options = context ? { deadline: deadlineOf(app.clock.now(), context.getRemainingTimeInMillis()) } : {};
  try {
    if (isSqsEvent(event)) {
      const results = await handleEvents(
        event.Records.map((record) => parseBody(record.body)),
        app,
        options,
      );
      results.forEach(logInvalid);
      const failed = event.Records.filter((_, index) => results[index]?.failure !== undefined);
      return { batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) };
    }
    const [result] = await handleEvents([event], app, options);
    if (!result) throw new Error('no result for the event');
    logInvalid(result);
    if (result.failure) throw new TaskEventFailedError(result);
    return result;
  } finally {
    app.metrics.flush();
  }
};

/** A hub hands each event to the member account and Region it names; a single-account deployment handles it itself. */
function handleEvents(events: readonly unknown[], app: AppDeps, options: HandleTaskEventsOptions): Promise<TaskEventResult[]> {
  const members = hubMembers();
  return members ? handleMemberTaskEvents(events, members, app, options) : handleTaskEvents(events, app, options);
}

/** Retrying cannot fix such an event: it is logged here, then dead-lettered, where the alarm sees it. */
function logInvalid(result: TaskEventResult | undefined): void {
  if (result?.failure?.kind !== 'invalid-event') return;
  lambdaDeps().logger.error('not an ECS Task State Change event; it will be dead-lettered', { reason: result.failure.message });
}

export class TaskEventFailedError extends Error {
  override readonly name = 'TaskEventFailedError';
  constructor(readonly result: TaskEventResult) {
    super(`${result.failure?.awsCode ?? result.failure?.kind}: ${result.failure?.message}`);
  }
}
