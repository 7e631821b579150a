import { describe, expect, it } from 'vitest';
import { DEADLINE_SAFETY_MARGIN_MS, deadlineOf } from '../../../src/lambda/on-task-event.js';

describe('deadlineOf', () => {
  it('keeps the safety margin back from the time Lambda gives', () => {
    expect(deadlineOf(1_000, 60_000)).toBe(1_000 + 60_000 - DEADLINE_SAFETY_MARGIN_MS);
  });

  it('keeps back at most a fifth of a short remaining time', () => {
    expect(deadlineOf(0, 2_000)).toBe(1_600);
  });
});
