import { asMirrorError } from '../core/errors.js';
import { groupByMember, memberKeyText, type MemberKey } from '../core/member.js';
import { classifyError } from '../core/outcome.js';
import { METRIC } from './deps.js';
import { handleTaskEvents, type HandleTaskEventsOptions } from './handle-task-events.js';
import type { MemberDepsSource } from './members.js';
import type { TaskEventResult } from './results.js';
import type { Logger, Metrics } from '../ports/index.js';

export interface HubObservability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The hub's event path: a batch of events from many member accounts and Regions, split by the
 * account and Region each event names, and each part handled by the ordinary event path with that
 * member's own dependencies — all parts at once, so that a throttled or slow member delays only
 * its own events. A member whose role cannot be assumed fails alone: its events come back as
 * failures (redelivered, then dead-lettered), logged as an error and counted (MemberUnreachable),
 * while the others' are done. Results are in the order of the batch.
 */
export async function handleMemberTaskEvents(
  rawEvents: readonly unknown[],
  members: MemberDepsSource,
  hub: HubObservability,
  options: HandleTaskEventsOptions = {},
): Promise<TaskEventResult[]> {
  const results: TaskEventResult[] = new Array<TaskEventResult>(rawEvents.length);
  const groups = [...groupByMember(rawEvents).values()];
  await Promise.all(
    groups.map(async ({ member, indexes }) => {
      const part = await handleGroup(member, indexes.map((index) => rawEvents[index]), members, hub, options);
      indexes.forEach((index, position) => {
        results[index] = part[position] ?? failed('unknown', 'fatal', 'no result for the event');
      });
    }),
  );
  return results;
}

async function handleGroup(
  member: MemberKey | undefined,
  events: readonly unknown[],
  members: MemberDepsSource,
  hub: HubObservability,
  options: HandleTaskEventsOptions,
): Promise<TaskEventResult[]> {
  if (member === undefined) {
    hub.metrics.count(METRIC.invalidEvent, events.length);
    return events.map(() => ({ enis: [], failure: { kind: 'invalid-event', outcome: 'invalid-event', message: 'not an EventBridge event: no account and region in the envelope' } }));
  }
  if (!members.accepts(member)) {
    // Only the organization's accounts can put events on the hub's bus; the registry narrows
    // that to the members the hub was configured for: it never assumes a role it was not told of.
    hub.logger.error('event of an account and Region that is not a registered member; it will be dead-lettered', { member: memberKeyText(member), events: events.length });
    hub.metrics.count(METRIC.eventRejected, events.length);
    return events.map(() => ({ enis: [], failure: { kind: 'unverified-event', outcome: 'rejected', message: `${memberKeyText(member)} is not a registered member` } }));
  }
  let deps;
  try {
    deps = await members.depsFor(member);
  } catch (caught) {
    const error = asMirrorError(caught);
    hub.logger.error('cannot act in member account: its events are failed for redelivery, other members go on', {
      member: memberKeyText(member),
      awsCode: error.awsCode,
      reason: error.message,
      events: events.length,
    });
    hub.metrics.count(METRIC.memberUnreachable, events.length);
    hub.metrics.count(METRIC.eventFailed, events.length);
    const failure = { kind: error.kind, outcome: classifyError(error.kind), ...(error.awsCode ? { awsCode: error.awsCode } : {}), message: `member ${memberKeyText(member)}: ${error.message}` };
    return events.map(() => ({ enis: [], failure }));
  }
  return handleTaskEvents(events, deps, options);
}

function failed(kind: 'unknown', outcome: 'fatal', message: string): TaskEventResult {
  return { enis: [], failure: { kind, outcome, message } };
}
