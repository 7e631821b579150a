import { describe, expect, it } from 'vitest';
import type { MirrorErrorKind } from '../../../src/core/errors.js';
import { classifyError, type ErrorOutcome } from '../../../src/core/outcome.js';

/**
 * Spelled out rather than derived from the implementation, so that a change of policy shows up
 * here; the Record type makes the compiler demand an entry for every new error kind.
 */
const EXPECTED: Record<MirrorErrorKind, ErrorOutcome> = {
  'eni-not-found': 'retry',
  throttled: 'retry',
  'eni-not-supported': 'unsupported',
  'sessions-per-eni-limit': 'quota',
  'sources-per-target-limit': 'quota',
  'session-limit': 'quota',
  'session-number-in-use': 'quota',
  'target-not-found': 'config',
  'filter-not-found': 'config',
  unauthorized: 'config',
  'invalid-parameter': 'config',
  'idempotent-mismatch': 'config',
  'cluster-not-found': 'config',
  'session-not-found': 'gone',
  'task-not-found': 'gone',
  network: 'retry',
  timeout: 'retry',
  'server-error': 'retry',
  'bad-response': 'fatal',
  'client-config': 'config',
  unknown: 'fatal',
};

describe('classifyError', () => {
  it.each(Object.entries(EXPECTED) as [MirrorErrorKind, ErrorOutcome][])('classifies %s as %s', (kind, outcome) => {
    expect(classifyError(kind)).toBe(outcome);
  });

  it('never retries what retrying cannot fix', () => {
    const neverRetried: MirrorErrorKind[] = ['eni-not-supported', 'target-not-found', 'filter-not-found', 'unauthorized', 'session-limit', 'client-config'];

    expect(neverRetried.map(classifyError)).not.toContain('retry');
  });

  it('retries what failed on the way: no answer, no answer in time, a failing server', () => {
    const onTheWay: MirrorErrorKind[] = ['network', 'timeout', 'server-error'];

    expect(onTheWay.map(classifyError)).toEqual(['retry', 'retry', 'retry']);
  });
});
