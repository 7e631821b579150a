import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/demo/world.js';
import { CliRunner } from './support/cli.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * `status` and `reconcile` in their own process against the emulator: a target or filter that
 * does not exist is bad configuration (exit 2, one line naming the variable), and logs reach
 * stderr only with -v; without it, the table ends with a count of them.
 */
const cli = new CliRunner();
let world: World;
let batch: string;

beforeAll(async () => {
  // Every ENI lands on a host that cannot mirror: each sweep has something to warn about.
  world = await startWorld({ seed: 31, faults: { unsupportedEniRate: 1 } });
  batch = await createCluster(world.clients, 'batch');
  await world.runTasks(1);
  await world.runTasks(1, { cluster: batch });
  await world.emulator.ecs.idle();
});

afterAll(async () => {
  cli.killAll();
  await world?.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: world.emulator.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    ...world.env(extra),
  };
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

describe('status and reconcile check that the target and the filter exist', () => {
  it('status: a target id that does not exist exits 2 with one line naming MIRROR_TARGET_ID and the Region', async () => {
    // act
    const run = await cli.run(['status'], env({ MIRROR_TARGET_ID: 'tmt-0123456789abcdef0' }));
    // assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(lines(run.stderr)).toEqual(['ecs-mirror: MIRROR_TARGET_ID: tmt-0123456789abcdef0 does not exist in us-east-1']);
  });

  it('reconcile: a filter id that does not exist exits 2 naming MIRROR_FILTER_ID, and creates nothing', async () => {
    // act
    const run = await cli.run(['reconcile'], env({ MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' }));
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual(['ecs-mirror: MIRROR_FILTER_ID: tmf-0123456789abcdef0 does not exist in us-east-1']);
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('status --target-id: both missing are named on the one line', async () => {
    // act
    const run = await cli.run(['status', '--target-id', 'tmt-0123456789abcdef0', '--filter-id', 'tmf-0123456789abcdef0'], env());
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      'ecs-mirror: MIRROR_TARGET_ID: tmt-0123456789abcdef0 does not exist in us-east-1; MIRROR_FILTER_ID: tmf-0123456789abcdef0 does not exist in us-east-1',
    ]);
  });
});

describe('logs go to stderr only with -v', () => {
  it('reconcile without -v: nothing on stderr, the warnings counted under the table', async () => {
    // act
    const run = await cli.run(['reconcile', '--cluster', 'apps'], env());
    // assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^cluster\s+tasks\s+enis/);
    expect(lines(run.stdout).at(-1)).toMatch(/^\d+ warnings? \(run with -v for details\)$/);
  });

  it('reconcile -v: the warnings as JSON lines on stderr, and no count line', async () => {
    // act
    const run = await cli.run(['reconcile', '-v', '--cluster', 'batch'], env());
    // assess
    expect(run.code).toBe(0);
    const logged = lines(run.stderr).map((line) => JSON.parse(line) as { level?: string; message?: string });
    expect(logged.filter((entry) => entry.level === 'warn').length).toBeGreaterThan(0);
    expect(run.stdout).not.toMatch(/run with -v/);
  });

  it('status --json: the count is in the document, stderr stays empty', async () => {
    // act
    const run = await cli.run(['status', '--json'], env());
    // assess
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toMatchObject({ logged: { warnings: expect.any(Number), errors: 0 } });
  });
});
