import { describe, expect, it } from 'vitest';
import { LAST_STOP_TASK_TAG, STOP_CLAIM_TASK_TAG } from '../../../src/contract/tags.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { STOP_REASON, decideStop, releasedClaimValue, type StopBudgetInput } from '../../../src/core/stop-budget.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { taskEvent } from '../../support/task-events.js';

const NOW = Date.parse('2026-11-27T05:00:00Z');
const CLAIMED_AT = new Date(NOW).toISOString();
const task = (id: string, extra: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
  ...parseTaskStateChangeEvent(taskEvent({ taskId: id.repeat(32) })),
  ...extra,
});
const own = task('a', { tags: { [STOP_CLAIM_TASK_TAG]: CLAIMED_AT } });
const input = (tasks: TaskSnapshot[], extra: Partial<StopBudgetInput> = {}): StopBudgetInput => ({
  taskArn: own.taskArn,
  claimedAt: CLAIMED_AT,
  now: NOW,
  windowMinutes: 60,
  maxStops: 2,
  read: { tasks: [own, ...tasks], problems: [] },
  ownStops: [],
  ...extra,
});
const stoppedByUs = (id: string, minutesAgo: number) =>
  task(id, { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppedReason: STOP_REASON, stoppedAt: new Date(NOW - minutesAgo * 60_000).toISOString(), tags: {} });

describe('decideStop', () => {
  it('stops while our stops in the window plus live claims, ours included, are within the budget', () => {
    expect(decideStop(input([stoppedByUs('b', 5)]))).toEqual({ decision: 'stop', used: 2 });
  });

  it('is spent when the budget is taken by stops and live claims of others', () => {
    const claim = task('c', { tags: { [STOP_CLAIM_TASK_TAG]: new Date(NOW - 2_000).toISOString() } });
    expect(decideStop(input([stoppedByUs('b', 5), claim]))).toMatchObject({ decision: 'spent', used: 3 });
  });

  it('does not count released claims, stops of others, or our stops before the window', () => {
    const released = task('c', { tags: { [STOP_CLAIM_TASK_TAG]: releasedClaimValue(CLAIMED_AT) } });
    const deploy = task('d', { desiredStatus: 'STOPPED', lastStatus: 'STOPPED', stoppedReason: 'Scaling activity', tags: {} });
    expect(decideStop(input([released, deploy, stoppedByUs('e', 61), stoppedByUs('f', 90)]))).toEqual({ decision: 'stop', used: 1 });
  });

  it('counts a task read twice (listed RUNNING with its claim, then STOPPED) once', () => {
    const claim = task('c', { tags: { [STOP_CLAIM_TASK_TAG]: CLAIMED_AT } });
    const same = { ...claim, desiredStatus: 'STOPPED', stoppedReason: STOP_REASON, tags: {} };
    expect(decideStop(input([claim, same]))).toEqual({ decision: 'stop', used: 2 });
  });

  it('is uncertain on any problem of the read', () => {
    expect(decideStop({ ...input([]), read: { tasks: [own], problems: ['DescribeTasks: x MISSING'] } })).toMatchObject({ decision: 'uncertain' });
  });

  it('is uncertain when our own claim is not in the read', () => {
    expect(decideStop({ ...input([]), read: { tasks: [], problems: [] } })).toMatchObject({ decision: 'uncertain' });
  });

  it('is uncertain when a stop this process made within the window is not in the read', () => {
    const ownStops = [{ taskArn: task('b').taskArn, at: NOW - 60_000 }];
    expect(decideStop(input([], { ownStops }))).toMatchObject({ decision: 'uncertain', reason: expect.stringContaining('does not show') });
  });

  it('never stops with a budget of 0', () => {
    expect(decideStop(input([], { maxStops: 0 }))).toEqual({ decision: 'spent', used: 1 });
  });
});

describe('decideStop: stops recorded by released claims', () => {
  const stoppedAt = new Date(NOW - 5 * 60_000).toISOString();
  const released = task('c', { tags: { [STOP_CLAIM_TASK_TAG]: releasedClaimValue(CLAIMED_AT, stoppedAt) } });

  it('keeps the newest stop it saw when the budget is spent', () => {
    const claim = task('d', { tags: { [STOP_CLAIM_TASK_TAG]: CLAIMED_AT } });
    expect(decideStop(input([stoppedByUs('b', 5), claim]))).toEqual({ decision: 'spent', used: 3, lastStopAt: stoppedAt });
  });

  it('is uncertain when a running task records a stop of ours in the window that the read does not show', () => {
    expect(decideStop(input([released]))).toMatchObject({ decision: 'uncertain', reason: expect.stringContaining('no longer shows') });
  });

  it('is satisfied when the recorded stop is in the read', () => {
    expect(decideStop(input([released, stoppedByUs('b', 5)]))).toEqual({ decision: 'stop', used: 2 });
  });

  it("is uncertain when a running task carries the last-stop trace of a stop the read does not show (a cold process's only evidence)", () => {
    const traced = task('c', { tags: { [LAST_STOP_TASK_TAG]: new Date(NOW - 5 * 60_000).toISOString() } });
    expect(decideStop(input([traced]))).toMatchObject({ decision: 'uncertain', reason: expect.stringContaining('no longer shows') });
    expect(decideStop(input([traced, stoppedByUs('b', 4)]))).toEqual({ decision: 'stop', used: 2 });
  });
});
