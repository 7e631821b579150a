import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/from-env.js';
import { ConfigError } from '../../../src/core/errors.js';

const BASE = { MIRROR_TARGET_ID: 'tmt-0123456789abcdef0', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('loadConfig: the stop-task policy', () => {
  it('refuses stop-task without explicit clusters, naming both variables', () => {
    expect(problemsOf({ ...BASE, MIRROR_UNSUPPORTED_POLICY: 'stop-task' })).toEqual([
      expect.stringMatching(/^MIRROR_UNSUPPORTED_POLICY=stop-task requires MIRROR_CLUSTERS/),
    ]);
  });

  it('accepts stop-task with clusters', () => {
    const config = loadConfig({ ...BASE, MIRROR_UNSUPPORTED_POLICY: 'stop-task', MIRROR_CLUSTERS: 'prod' });
    expect(config.unsupported).toEqual({ policy: 'stop-task', maxStopsPerService: 3, windowMinutes: 60 });
  });

  it('refuses a window longer than ECS keeps stopped tasks visible (an hour)', () => {
    expect(problemsOf({ ...BASE, MIRROR_STOP_WINDOW_MINUTES: '61' })).toEqual([expect.stringContaining('MIRROR_STOP_WINDOW_MINUTES')]);
    expect(loadConfig({ ...BASE, MIRROR_STOP_WINDOW_MINUTES: '60' }).unsupported.windowMinutes).toBe(60);
  });
});
