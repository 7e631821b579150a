import { describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app/deps.js';
import { handleMemberTaskEvents } from '../../../src/app/handle-member-events.js';
import type { MemberDepsSource } from '../../../src/app/members.js';
import { METRIC } from '../../../src/contract/metrics.js';
import { MirrorError } from '../../../src/core/errors.js';
import { memberKeyText, type MemberKey } from '../../../src/core/member.js';
import { CountingMetrics, RecordingLogger } from '../../support/fake-ports.js';

/** A source whose depsFor fails for one account; the others' deps are never used (their events are invalid). */
function source(unreachable: string, registered?: readonly MemberKey[]): MemberDepsSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    members: registered ?? [],
    accepts: (member) => registered === undefined || registered.some((m) => memberKeyText(m) === memberKeyText(member)),
    depsFor: async (member) => {
      asked.push(memberKeyText(member));
      if (member.accountId === unreachable) throw new MirrorError('unauthorized', 'AssumeRole failed: AccessDenied: not trusted', 'AccessDenied');
      return { metrics: new CountingMetrics() } as unknown as AppDeps;
    },
  };
}

const envelope = (account: string, region: string) => ({ version: '0', 'detail-type': 'ECS Task State Change', source: 'aws.ecs', account, region, detail: {} });

describe('handleMemberTaskEvents', () => {
  it('fails the events of a member it cannot reach, in batch order, and counts and logs them', async () => {
    const metrics = new CountingMetrics();
    const logger = new RecordingLogger();
    const members = source('555555555555');
    const results = await handleMemberTaskEvents([envelope('555555555555', 'us-east-1'), 'not an event', envelope('555555555555', 'us-east-1')], members, { logger, metrics });
    expect(results.map((r) => r.failure?.kind)).toEqual(['unauthorized', 'invalid-event', 'unauthorized']);
    expect(results[0]?.failure).toMatchObject({ awsCode: 'AccessDenied', outcome: 'config' });
    expect(metrics.get(METRIC.memberUnreachable)).toBe(2);
    expect(metrics.get(METRIC.invalidEvent)).toBe(1);
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.attributes?.['member'])).toEqual(['555555555555/us-east-1']);
    // One AssumeRole attempt for the group, not one per event.
    expect(members.asked).toEqual(['555555555555/us-east-1']);
  });

  it('refuses events of accounts that are not registered members without assuming anything', async () => {
    const metrics = new CountingMetrics();
    const members = source('none', [{ accountId: '222222222222', region: 'us-east-1' }]);
    const [result] = await handleMemberTaskEvents([envelope('999999999999', 'us-east-1')], members, { logger: new RecordingLogger(), metrics });
    expect(result?.failure).toMatchObject({ kind: 'unverified-event', outcome: 'rejected' });
    expect(members.asked).toEqual([]);
    expect(metrics.get(METRIC.eventRejected)).toBe(1);
  });
});
