import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { FAST_TIMING, WAIT_MS } from './support/world.js';

/**
 * The AWS CLI's ECS commands against the emulator: botocore's JSON 1.1 serializer for nested
 * shorthand (network configuration) and its parser for the answers, not only the JS SDK's.
 */
const run = promisify(execFile);

function cliVersion(): string | undefined {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

const version = cliVersion();
if (!version) console.warn('aws-cli-ecs.test.ts: skipped — the `aws` command is not on PATH (`aws --version` failed).');

const detail = z.object({ name: z.string(), value: z.string() });
const taskShape = z.object({
  taskArn: z.string(),
  clusterArn: z.string(),
  lastStatus: z.string(),
  launchType: z.string(),
  attachments: z.array(z.object({ id: z.string(), type: z.string(), status: z.string(), details: z.array(detail) })),
});

describe.skipIf(!version)('AWS CLI ECS commands against the emulator', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 31, timing: FAST_TIMING });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  // Only the credentials given here: no profile or session token of whoever runs the tests.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')));
  const env = {
    ...inherited,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };

  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run('aws', ['--endpoint-url', emulator.url, '--output', 'json', ...args], { env, timeout: 60_000 });
    return z.record(z.string(), z.unknown()).parse(JSON.parse(stdout));
  }

  it('creates a cluster, registers an awsvpc Fargate task definition, runs a task and describes its ENI', async () => {
    // prepare
    const [subnet = ''] = emulator.network.subnets.keys();
    // act
    const cluster = await aws('ecs', 'create-cluster', '--cluster-name', 'cli');
    const definition = await aws(
      'ecs',
      'register-task-definition',
      '--family',
      'cli-web',
      '--network-mode',
      'awsvpc',
      '--requires-compatibilities',
      'FARGATE',
      '--cpu',
      '256',
      '--memory',
      '512',
      '--container-definitions',
      JSON.stringify([{ name: 'web', image: 'public.ecr.aws/nginx/nginx:stable', essential: true }]),
    );
    const started = await aws(
      'ecs',
      'run-task',
      '--cluster',
      'cli',
      '--task-definition',
      'cli-web',
      '--launch-type',
      'FARGATE',
      '--network-configuration',
      `awsvpcConfiguration={subnets=[${subnet}],assignPublicIp=DISABLED}`,
    );
    const [startedTask] = z.array(taskShape).parse(started['tasks']);
    const taskArn = startedTask?.taskArn ?? '';
    await emulator.ecs.waitForTaskStatus(taskArn, 'RUNNING', WAIT_MS);
    const described = await aws('ecs', 'describe-tasks', '--cluster', 'cli', '--tasks', taskArn);
    // assess
    expect(cluster['cluster']).toMatchObject({ clusterName: 'cli', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/cli', status: 'ACTIVE' });
    expect(definition['taskDefinition']).toMatchObject({
      family: 'cli-web',
      revision: 1,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/cli-web:1',
    });
    expect(z.array(z.unknown()).parse(started['failures'])).toEqual([]);
    expect(taskArn).toMatch(/^arn:aws:ecs:us-east-1:123456789012:task\/cli\/[0-9a-f]{32}$/);
    expect(startedTask).toMatchObject({ lastStatus: 'PROVISIONING', launchType: 'FARGATE' });

    const [task] = z.array(taskShape).parse(described['tasks']);
    expect(task).toMatchObject({ taskArn, lastStatus: 'RUNNING', clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/cli' });
    const [attachment] = task?.attachments ?? [];
    expect(attachment).toMatchObject({ type: 'ElasticNetworkInterface', status: 'ATTACHED' });
    const details = Object.fromEntries((attachment?.details ?? []).map((d) => [d.name, d.value]));
    expect(details['subnetId']).toBe(subnet);
    expect(details['networkInterfaceId']).toMatch(/^eni-[0-9a-f]{17}$/);
    // The ENI ECS reports is the one the emulated EC2 knows: it can be a mirror source.
    expect(emulator.network.enis.get(details['networkInterfaceId'] ?? '')).toMatchObject({ subnetId: subnet, status: 'in-use' });
  });
});
