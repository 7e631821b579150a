import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLB_ARN, startHarness, type Harness } from './helpers.js';

/**
 * The AWS CLI (v1 here, from pip) against the emulator: proves the query-protocol decoding and
 * the XML answers work with botocore's serializers and parsers, not only with the JS SDK.
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
if (!version) console.warn('aws-cli.test.ts: skipped — the `aws` command is not on PATH (`aws --version` failed).');

describe.skipIf(!version)('AWS CLI against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PAGER: '', AWS_MAX_ATTEMPTS: '1' };

  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run('aws', ['--endpoint-url', h.emulator.url, '--region', 'us-east-1', '--output', 'json', ...args], {
      env,
      timeout: 60_000,
    });
    return z.record(z.string(), z.unknown()).parse(JSON.parse(stdout));
  }

  it('creates a target, filter and session and describes it by ENI', async () => {
    const eni = h.eni().networkInterfaceId;
    const target = await aws('ec2', 'create-traffic-mirror-target', '--network-load-balancer-arn', NLB_ARN);
    expect(target['TrafficMirrorTarget']).toMatchObject({ Type: 'network-load-balancer', NetworkLoadBalancerArn: NLB_ARN });
    const targetId = z.object({ TrafficMirrorTargetId: z.string() }).parse(target['TrafficMirrorTarget']).TrafficMirrorTargetId;

    const filter = await aws('ec2', 'create-traffic-mirror-filter', '--description', 'all traffic');
    const filterId = z.object({ TrafficMirrorFilterId: z.string() }).parse(filter['TrafficMirrorFilter']).TrafficMirrorFilterId;
    expect(filterId).toMatch(/^tmf-[0-9a-f]{17}$/);

    const session = await aws(
      'ec2',
      'create-traffic-mirror-session',
      '--network-interface-id',
      eni,
      '--traffic-mirror-target-id',
      targetId,
      '--traffic-mirror-filter-id',
      filterId,
      '--session-number',
      '1',
      '--tag-specifications',
      'ResourceType=traffic-mirror-session,Tags=[{Key=ecs-traffic-mirror:managed,Value=true}]',
    );
    expect(session['TrafficMirrorSession']).toMatchObject({ NetworkInterfaceId: eni, SessionNumber: 1 });

    const described = await aws(
      'ec2',
      'describe-traffic-mirror-sessions',
      '--filters',
      `Name=network-interface-id,Values=${eni}`,
    );
    expect(described['TrafficMirrorSessions']).toEqual([
      expect.objectContaining({
        NetworkInterfaceId: eni,
        TrafficMirrorTargetId: targetId,
        TrafficMirrorFilterId: filterId,
        SessionNumber: 1,
        OwnerId: '123456789012',
        Tags: [{ Key: 'ecs-traffic-mirror:managed', Value: 'true' }],
      }),
    ]);
  });

  it('reports EC2 errors with their codes', async () => {
    const failure = await run(
      'aws',
      ['--endpoint-url', h.emulator.url, '--region', 'us-east-1', 'ec2', 'delete-traffic-mirror-session', '--traffic-mirror-session-id', 'tms-0123456789abcdef0'],
      { env, timeout: 60_000 },
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    const stderr = z.object({ stderr: z.string() }).parse(failure).stderr;
    expect(stderr).toContain('InvalidTrafficMirrorSessionId.NotFound');
  });
});
