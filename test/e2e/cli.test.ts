import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/demo/world.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { CliRunner, startEmulatorProcess } from './support/cli.js';
import { forgedEvents } from './support/forged-events.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * `ecs-mirror` in its own process against the emulator, configured by environment only, as in
 * the README: exit codes, one-line errors, JSON on stdout.
 */
const cli = new CliRunner();
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'ecs-mirror-e2e-'));
});

afterAll(async () => {
  cli.killAll();
  await rm(scratch, { recursive: true, force: true });
});

function awsEnv(world: World): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: world.emulator.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
}

async function eventFile(name: string, content: unknown): Promise<string> {
  const path = join(scratch, name);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const handleOutput = z.object({
  taskArn: z.string(),
  enis: z.array(z.object({ networkInterfaceId: z.string().optional(), outcome: z.string(), sessionId: z.string().optional() })),
  failure: z.object({ kind: z.string(), awsCode: z.string().optional() }).optional(),
});

const sweepReport = z.object({
  dryRun: z.boolean(),
  clusters: z.array(z.object({ cluster: z.string(), tasks: z.number(), enis: z.number(), mirrored: z.number(), missing: z.number(), coveragePercent: z.number() })),
  created: z.array(z.object({ taskArn: z.string(), networkInterfaceId: z.string() })),
  deleted: z.array(z.unknown()),
  unmirrored: z.array(z.object({ taskArn: z.string(), state: z.string() })),
  failures: z.array(z.unknown()),
});

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

describe('ecs-mirror handle', () => {
  let world: World;
  let notEcsFile: string;
  beforeAll(async () => {
    world = await startWorld({ seed: 21 });
    notEcsFile = await eventFile('ec2-event.json', {
      version: '0',
      id: '7bf73129-1428-4cd3-a780-95db273d1602',
      'detail-type': 'EC2 Instance State-change Notification',
      source: 'aws.ec2',
      account: '123456789012',
      time: '2025-03-14T09:27:12Z',
      region: 'us-east-1',
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
      detail: { 'instance-id': 'i-abcd1111', state: 'pending' },
    });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('prints the outcome as JSON and exits 0 when it created the session', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const file = await eventFile('running.json', world.eventOf(taskArn, 'RUNNING'));
    // act
    const run = await cli.run(['handle', file], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const output = handleOutput.parse(JSON.parse(run.stdout));
    expect(output).toMatchObject({ taskArn, enis: [{ networkInterfaceId: world.eniOf(taskArn), outcome: 'created' }] });
    const sessions = await world.sessionsOnEni(world.eniOf(taskArn));
    expect(sessions.map((s) => s.TrafficMirrorSessionId)).toEqual([output.enis[0]?.sessionId]);
  });

  it('exits 2 with one line naming MIRROR_TARGET_ID when configuration is missing', async () => {
    // act
    const run = await cli.run(['handle', 'test/fixtures/events/fargate-running.json'], awsEnv(world));
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
    expect(run.stderr).toContain('MIRROR_TARGET_ID');
    expect(run.stdout).toBe('');
  });

  it('exits 2 with one line on malformed JSON', async () => {
    // prepare
    const malformed = await eventFile('malformed.json', '{"source": "aws.ecs", "detail": ');
    // act
    const run = await cli.run(['handle', malformed], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([expect.stringContaining('not valid JSON')]);
    expect(run.stdout).toBe('');
  });

  it('exits 2 on an event that is not an ECS Task State Change, naming why', async () => {
    // act
    const run = await cli.run(['handle', notEcsFile], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr).at(-1)).toMatch(/^ecs-mirror: not an ECS Task State Change event: source is 'aws.ec2'/);
    expect(run.stdout).toBe('');
  });

  it('prints only one line on stderr for an event that is not an ECS Task State Change (README: exit 2, one line)', async () => {
    // act
    const run = await cli.run(['handle', notEcsFile], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toHaveLength(1);
  });

  it('exits 2 with the AWS error code, once, on stderr when the target does not exist (configuration to fix)', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const file = await eventFile('running-2.json', world.eventOf(taskArn, 'RUNNING'));
    // act
    const run = await cli.run(['handle', file], { ...awsEnv(world), ...world.env({ MIRROR_TARGET_ID: 'tmt-0123456789abcdef0' }) });
    // assess
    expect(run.code).toBe(2);
    // Logged decisions may come first (JSON lines); the command's own error is the last line.
    const error = lines(run.stderr).at(-1) ?? '';
    expect(error).toMatch(/^ecs-mirror: .*InvalidTrafficMirrorTargetId\.NotFound: /);
    expect(error.split('InvalidTrafficMirrorTargetId.NotFound')).toHaveLength(2);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'target-not-found', awsCode: 'InvalidTrafficMirrorTargetId.NotFound' });
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toEqual([]);
  });
});

describe('ecs-mirror handle: forged events', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 23 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('creates nothing for a forged event and exits 1 naming it unverified (ECS contradicts the event)', async () => {
    // prepare
    const forged = await forgedEvents(world);
    const env = { ...awsEnv(world), ...world.env({ MIRROR_CLUSTERS: 'apps' }) };
    for (const [index, { name, event, enis }] of forged.entries()) {
      const file = await eventFile(`forged-${index}.json`, event);
      // act
      const run = await cli.run(['handle', file], env);
      // assess
      expect(run.code, name).toBe(1);
      expect(lines(run.stderr).at(-1), name).toMatch(/^ecs-mirror: unverified-event: /);
      expect(handleOutput.parse(JSON.parse(run.stdout)).failure, name).toMatchObject({ kind: 'unverified-event' });
      for (const eni of enis) expect(await world.sessionsOnEni(eni), name).toEqual([]);
    }
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('rejects an event naming a cluster that does not exist (not a configuration error), with no scope set', async () => {
    // prepare
    const taskArn = await world.runningTask();
    const real = JSON.stringify(world.eventOf(taskArn, 'RUNNING'));
    const forged = JSON.parse(real.replaceAll(':cluster/apps', ':cluster/nosuch').replaceAll(':task/apps/', ':task/nosuch/')) as unknown;
    const file = await eventFile('forged-nosuch.json', forged);
    // act
    const run = await cli.run(['handle', file], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.code).toBe(1);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'unverified-event' });
    expect(await world.sessionsOnEni(world.eniOf(taskArn))).toEqual([]);
  });
});

describe('ecs-mirror status and reconcile', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ seed: 22 });
    const batch = await createCluster(world.clients, 'batch');
    await world.runTasks(2);
    await world.runTasks(1, { cluster: batch });
    await world.emulator.ecs.idle();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('status --json and reconcile --dry-run report the gap per cluster and change nothing', async () => {
    // prepare
    const env = { ...awsEnv(world), ...world.env() };
    // act
    const [status, dryRun] = await Promise.all([cli.run(['status', '--json'], env), cli.run(['reconcile', '--dry-run'], env)]);
    // assess
    expect(status.code).toBe(0);
    const report = sweepReport.parse(JSON.parse(status.stdout));
    expect(report.clusters).toEqual([
      expect.objectContaining({ cluster: 'apps', enis: 2, mirrored: 0, missing: 2, coveragePercent: 0 }),
      expect.objectContaining({ cluster: 'batch', enis: 1, mirrored: 0, missing: 1, coveragePercent: 0 }),
    ]);
    expect(report.unmirrored).toHaveLength(3);
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain('dry run: nothing changed');
    expect(world.sessionCountToTarget()).toBe(0);
  });

  it('reconcile --json mirrors every task and prints full coverage per cluster', async () => {
    // act
    const run = await cli.run(['reconcile', '--json'], { ...awsEnv(world), ...world.env() });
    // assess
    expect(run.code).toBe(0);
    const report = sweepReport.parse(JSON.parse(run.stdout));
    expect(report.dryRun).toBe(false);
    expect(report.created).toHaveLength(3);
    expect(report.failures).toEqual([]);
    expect(report.clusters).toEqual([
      expect.objectContaining({ cluster: 'apps', enis: 2, mirrored: 2, missing: 0, coveragePercent: 100 }),
      expect.objectContaining({ cluster: 'batch', enis: 1, mirrored: 1, missing: 0, coveragePercent: 100 }),
    ]);
    expect(world.sessionCountToTarget()).toBe(3);
  });
});

/** Raw control characters and line breaks, as a terminal would act on them. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is what this check is for
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('ecs-mirror against a faulty endpoint (fault proxy): one line with a stable code of ours', () => {
  let world: World;
  let proxy: FaultProxy;
  let eventPath: string;
  /** Small timeouts and two attempts, so that a fault ends the run quickly; nothing here is timed. */
  const faultEnv = (): Record<string, string> => ({
    ...awsEnv(world),
    AWS_ENDPOINT_URL: proxy.endpoint,
    ...world.env({ MIRROR_AWS_CONNECT_TIMEOUT_MS: '500', MIRROR_AWS_REQUEST_TIMEOUT_MS: '500', MIRROR_AWS_MAX_ATTEMPTS: '2' }),
  });
  beforeAll(async () => {
    world = await startWorld({ seed: 23 });
    // `hang` never answers: close() destroys the sockets it holds.
    proxy = await startFaultProxy(world.emulator.url);
    const taskArn = await world.runningTask();
    eventPath = await eventFile('running-faults.json', world.eventOf(taskArn, 'RUNNING'));
  });
  afterAll(async () => {
    await proxy?.close();
    await world?.close();
  });

  it('handle: an EC2 endpoint that accepts the connection and never answers ends the run with exit 1 and `timeout`', async () => {
    // prepare
    proxy.setRules([{ operation: 'ec2:CreateTrafficMirrorSession', fault: { kind: 'hang' } }]);
    // act
    const run = await cli.run(['handle', eventPath], faultEnv());
    // assess
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'timeout', awsCode: 'timeout' });
    expect(lines(run.stderr).at(-1)).toMatch(/^ecs-mirror: CreateTrafficMirrorSession failed: timeout: .*MIRROR_AWS_REQUEST_TIMEOUT_MS/);
    expect(proxy.applied()).toEqual([2]);
  });

  it('handle: a connection reset is `network`, not ECONNRESET or TimeoutError', async () => {
    // prepare
    proxy.setRules([{ operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'reset' } }]);
    // act
    const run = await cli.run(['handle', eventPath], faultEnv());
    // assess
    expect(run.code).toBe(1);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'network', awsCode: 'network' });
    expect(lines(run.stderr).at(-1)).toMatch(/^ecs-mirror: DescribeTrafficMirrorSessions failed: network: /);
    expect(run.stderr).not.toMatch(/TimeoutError/);
  });

  it('handle: an HTML 502 from a load balancer is `bad-response (HTTP 502)`, not `Unknown: … Unknown`', async () => {
    // prepare
    proxy.setRules([{ operation: 'ec2:CreateTrafficMirrorSession', fault: { kind: 'status', status: 502 } }]);
    // act
    const run = await cli.run(['handle', eventPath], faultEnv());
    // assess
    expect(run.code).toBe(1);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'server-error', awsCode: 'bad-response (HTTP 502)' });
    expect(lines(run.stderr).at(-1)).toMatch(/^ecs-mirror: CreateTrafficMirrorSession failed: bad-response \(HTTP 502\)/);
    expect(run.stderr).not.toMatch(/Unknown/);
  });

  it('handle: a truncated EC2 answer is `bad-response`', async () => {
    // prepare
    proxy.setRules([{ operation: 'ec2:DescribeTrafficMirrorSessions', fault: { kind: 'truncate', bytes: 120 } }]);
    // act
    const run = await cli.run(['handle', eventPath], faultEnv());
    // assess
    expect(run.code).toBe(1);
    expect(handleOutput.parse(JSON.parse(run.stdout)).failure).toMatchObject({ kind: 'bad-response', awsCode: 'bad-response (HTTP 200)' });
    expect(lines(run.stderr).at(-1)).toMatch(/^ecs-mirror: DescribeTrafficMirrorSessions failed: bad-response \(HTTP 200\)/);
  });

  it('status: a garbled ECS answer is `bad-response`, the garbage it quotes escaped on one line', async () => {
    // prepare
    proxy.setRules([{ operation: 'ecs:ListClusters', fault: { kind: 'garble' } }]);
    // act
    const run = await cli.run(['status', '--json'], faultEnv());
    // assess
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('bad-response (HTTP 200)');
    expect(run.stderr).toContain('\\x1b[2J garbled');
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    for (const line of lines(run.stderr)) expect(line.length).toBeLessThanOrEqual(500);
  });
});

describe('ecs-mirror: configuration problems of the SDK exit 2, naming the variable', () => {
  it('an empty AWS_REGION', async () => {
    // act
    const run = await cli.run(['handle', 'test/fixtures/events/fargate-running.json'], {
      AWS_REGION: '',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      MIRROR_TARGET_ID: 'tmt-0123456789abcdef0',
      MIRROR_FILTER_ID: 'tmf-0123456789abcdef0',
    });
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([expect.stringMatching(/^ecs-mirror: invalid configuration: AWS_REGION is set but empty/)]);
    expect(run.stdout).toBe('');
  });

  it('an endpoint that is not a URL, and a number that is not decimal', async () => {
    // act
    const run = await cli.run(['handle', 'test/fixtures/events/fargate-running.json'], {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'not-a-url',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      MIRROR_TARGET_ID: 'tmt-0123456789abcdef0',
      MIRROR_FILTER_ID: 'tmf-0123456789abcdef0',
      MIRROR_CREATE_RATE: '0x10',
    });
    // assess
    expect(run.code).toBe(2);
    expect(lines(run.stderr)).toEqual([
      "ecs-mirror: invalid configuration: MIRROR_CREATE_RATE: '0x10' is not a number from 0.1 to 1000; AWS_ENDPOINT_URL: 'not-a-url' is not an http:// or https:// URL",
    ]);
    expect(run.stdout).toBe('');
  });
});

describe('ecs-mirror emulator and demo', () => {
  it('emulator: serves on the port it prints, with the target and filter it prints, until stopped', async () => {
    // prepare
    const emulator = await startEmulatorProcess(['--profile', 'hostile', '--seed', '3']);
    let code: number | null;
    try {
      const url = emulator.url;
      const stdout = emulator.stdout();
      const targetId = /MIRROR_TARGET_ID=(tmt-[0-9a-f]+)/.exec(stdout)?.[1];
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      // act
      const { EC2Client, DescribeTrafficMirrorTargetsCommand } = await import('@aws-sdk/client-ec2');
      const ec2 = new EC2Client({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS, maxAttempts: 1 });
      const targets = await ec2.send(new DescribeTrafficMirrorTargetsCommand({}));
      ec2.destroy();
      const faults = (await (await fetch(`${url}/_emulator/faults`)).json()) as { faults?: { unsupportedEniRate?: number } };
      // assess
      expect(targets.TrafficMirrorTargets?.map((t) => t.TrafficMirrorTargetId)).toEqual([targetId]);
      expect(faults.faults?.unsupportedEniRate).toBe(0.15);
    } finally {
      code = await emulator.stop();
    }
    expect(code).toBe(0);
  });

  it('emulator --host with a non-loopback address warns on stderr in one line, loopback does not', async () => {
    const { spawn } = await import('node:child_process');
    const { REPO_ROOT } = await import('./support/cli.js');
    const startAndStop = async (host: string): Promise<string> => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--port', '0', '--host', host, '--no-bootstrap'], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 30_000,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      const deadline = Date.now() + 20_000;
      while (!/listening on/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGTERM');
      await exited;
      return stderr.split('\n').filter((line) => line.startsWith('warning:')).join('\n');
    };
    expect(await startAndStop('0.0.0.0')).toMatch(/^warning: --host 0\.0\.0\.0 is not loopback: [^\n]+$/);
    expect(await startAndStop('127.0.0.1')).toBe('');
  });

  it('demo: converges to full coverage without duplicates and exits 0', async () => {
    // act
    const run = await cli.run(['demo', '--profile', 'realistic', '--service-tasks', '3', '--standalone-tasks', '2', '--seed', '5'], {}, 60_000);
    // assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/converged in [\d.]+ s: (\d+)\/\1 mirrorable ENIs mirrored, 0 duplicate sessions/);
    expect(run.stdout).toMatch(/^1 ENI on hosts that cannot mirror: reported, tagged, left out of coverage$/m);
    expect(run.stdout).toMatch(/^cluster\s+tasks\s+enis\s+mirrored/m);
  });

  // Issue 9: the hostile demo died of "Rate exceeded" when its ground truth went through the
  // fault-injecting ECS API; it reads emulator state directly now, and converges.
  it('demo --profile hostile: converges and exits 0', async () => {
    const run = await cli.run(['demo', '--profile', 'hostile', '--seed', '2'], {}, 90_000);
    expect(run.stderr).not.toContain('Rate exceeded');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^converged in [\d.]+ s: (\d+)\/\1 mirrorable ENIs mirrored, 0 duplicate sessions$/m);
  }, 120_000);
});
