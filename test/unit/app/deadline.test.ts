import { describe, expect, it } from 'vitest';
import { ABANDONED, Deadline } from '../../../src/app/deadline.js';
import { TurnClock } from '../../support/fake-ports.js';

describe('Deadline', () => {
  it('keeps up to the asked reserve back, never more than a quarter of the time left', () => {
    // prepare
    const clock = new TurnClock();
    const now = clock.now();
    // act / assess
    expect(new Deadline(clock, now + 10_000).earlier(1_000).at).toBe(now + 9_000);
    expect(new Deadline(clock, now + 1_000).earlier(1_000).at).toBe(now + 750);
    expect(new Deadline(clock, undefined).earlier(1_000).at).toBeUndefined();
  });

  it('lets work that answers in time win, abandons work still running when it comes, and starts nothing after', async () => {
    // prepare
    const clock = new TurnClock();
    const deadline = new Deadline(clock, clock.now() + 5_000);
    // act
    const quick = await deadline.race(Promise.resolve('done'));
    const hung = await deadline.race(new Promise<never>(() => undefined));
    const late = await deadline.race(Promise.resolve('too late'));
    // assess
    expect(hung).toBe(ABANDONED);
    expect(quick).toBe('done');
    expect(late).toBe(ABANDONED);
  });
});
