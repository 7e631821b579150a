import { describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { ALL_IN_SCOPE, type ScopeConfig } from '../../../src/core/scope.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { verifyEvent } from '../../../src/core/verify-event.js';
import { taskEvent, type TaskEventSpec } from '../../support/task-events.js';

const ENI = 'eni-0a1b2c3d4e5f60718';
const snapshot = (spec: TaskEventSpec = {}): TaskSnapshot => parseTaskStateChangeEvent(taskEvent(spec));
const described = (task: TaskSnapshot) => ({ kind: 'described' as const, task });

describe('verifyEvent: the event against ECS', () => {
  it("verifies an event that ECS confirms, and hands back ECS's snapshot", () => {
    // prepare
    const event = snapshot({ version: 2, lastStatus: 'PENDING' });
    const ecs = { ...snapshot({ version: 3 }), tags: { team: 'web' } };
    // act
    const verdict = verifyEvent(event, [ENI], described(ecs), ALL_IN_SCOPE);
    // assess
    expect(verdict).toEqual({ verdict: 'verified', task: ecs });
  });

  it('rejects a task that ECS says is MISSING in that cluster', () => {
    expect(verifyEvent(snapshot(), [ENI], { kind: 'failed', reason: 'MISSING' }, ALL_IN_SCOPE)).toMatchObject({ verdict: 'rejected' });
  });

  it('asks again when ECS left the task out of its answer', () => {
    expect(verifyEvent(snapshot(), [ENI], { kind: 'failed', reason: 'NOT_ANSWERED' }, ALL_IN_SCOPE)).toMatchObject({ verdict: 'retry' });
  });

  it("rejects an ENI that is not one of the task's attachments (another task's ENI)", () => {
    // prepare
    const event = snapshot({ enis: [{ id: 'eni-0ffffffffffffffff' }] });
    // act
    const verdict = verifyEvent(event, ['eni-0ffffffffffffffff'], described(snapshot()), ALL_IN_SCOPE);
    // assess
    expect(verdict).toMatchObject({ verdict: 'rejected', reason: expect.stringContaining('eni-0ffffffffffffffff is not a network interface') });
  });

  it('rejects a made-up group (the stop budget is counted on ECS’s group)', () => {
    const verdict = verifyEvent(snapshot({ group: 'service:other' }), [ENI], described(snapshot({ group: 'service:web' })), ALL_IN_SCOPE);
    expect(verdict).toMatchObject({ verdict: 'rejected', reason: expect.stringContaining("group 'service:other'") });
  });

  it('rejects an event whose launch type is not ECS’s (in scope by its own claim only)', () => {
    const scope: ScopeConfig = { ...ALL_IN_SCOPE, launchTypes: ['FARGATE'] };
    const verdict = verifyEvent(snapshot({ launchType: 'FARGATE' }), [ENI], described(snapshot({ launchType: 'EC2' })), scope);
    expect(verdict).toMatchObject({ verdict: 'rejected', reason: expect.stringContaining('launchType') });
  });

  it('calls a task out of scope only by its tags (which events never carry) out-of-scope, not forged', () => {
    const scope: ScopeConfig = { ...ALL_IN_SCOPE, requiredTags: { mirror: 'yes' } };
    const verdict = verifyEvent(snapshot(), [ENI], described(snapshot()), scope);
    expect(verdict).toMatchObject({ verdict: 'out-of-scope' });
  });

  it('skips a task that ECS says is stopping', () => {
    const ecs = snapshot({ desiredStatus: 'STOPPED', lastStatus: 'DEACTIVATING' });
    expect(verifyEvent(snapshot(), [ENI], described(ecs), ALL_IN_SCOPE)).toMatchObject({ verdict: 'skipped' });
  });

  it('asks again when ECS answers an older version of the task than the event', () => {
    const verdict = verifyEvent(snapshot({ version: 5 }), [ENI], described(snapshot({ version: 4 })), ALL_IN_SCOPE);
    expect(verdict).toMatchObject({ verdict: 'retry' });
  });

  it('rejects an answer about a task of another cluster', () => {
    const ecs = { ...snapshot(), clusterArn: 'arn:aws:ecs:eu-central-1:123456789012:cluster/other', clusterName: 'other' };
    expect(verifyEvent(snapshot(), [ENI], described(ecs), ALL_IN_SCOPE)).toMatchObject({ verdict: 'rejected' });
  });
});
