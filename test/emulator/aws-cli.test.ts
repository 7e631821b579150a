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
  it('registers a container instance and runs bridge and awsvpc tasks on it (ECS on EC2 capacity)', async () => {
    // prepare
    const subnetId = h.subnetId;
    const reservation = await aws('ec2', 'run-instances', '--image-id', 'ami-1', '--instance-type', 'c5.large', '--count', '1', '--subnet-id', subnetId);
    const instance = z
      .object({ InstanceId: z.string(), Placement: z.object({ AvailabilityZone: z.string() }) })
      .parse(z.array(z.unknown()).parse(reservation['Instances'])[0]);
    const document = JSON.stringify({ instanceId: instance.InstanceId, region: 'us-east-1', instanceType: 'c5.large', availabilityZone: instance.Placement.AvailabilityZone });
    await aws('ecs', 'create-cluster', '--cluster-name', 'cli');
    await aws('ecs', 'register-task-definition', '--family', 'cli-bridge', '--network-mode', 'bridge', '--container-definitions', '[{"name":"app","image":"nginx","cpu":256,"memory":512}]');
    await aws('ecs', 'register-task-definition', '--family', 'cli-vpc', '--network-mode', 'awsvpc', '--cpu', '256', '--memory', '512', '--container-definitions', '[{"name":"app","image":"nginx"}]');
    // act
    const registered = await aws(
      'ecs',
      'register-container-instance',
      '--cluster',
      'cli',
      '--instance-identity-document',
      document,
      '--instance-identity-document-signature',
      'signature',
      '--total-resources',
      'name=CPU,type=INTEGER,integerValue=2048',
      'name=MEMORY,type=INTEGER,integerValue=3800',
    );
    const arn = z.object({ containerInstanceArn: z.string() }).parse(registered['containerInstance']).containerInstanceArn;
    const bridge = await aws('ecs', 'run-task', '--cluster', 'cli', '--task-definition', 'cli-bridge', '--launch-type', 'EC2');
    const vpc = await aws('ecs', 'run-task', '--cluster', 'cli', '--task-definition', 'cli-vpc', '--launch-type', 'EC2', '--network-configuration', `awsvpcConfiguration={subnets=[${subnetId}]}`);
    const described = await aws('ecs', 'describe-container-instances', '--cluster', 'cli', '--container-instances', arn, 'arn:aws:ecs:us-east-1:123456789012:container-instance/cli/00000000000000000000000000000000');
    // assess
    const task = z.object({ containerInstanceArn: z.string(), attachments: z.array(z.object({ type: z.string() })) });
    const [bridgeTask] = z.array(task).parse(bridge['tasks']);
    const [vpcTask] = z.array(task).parse(vpc['tasks']);
    expect(bridgeTask).toEqual(expect.objectContaining({ containerInstanceArn: arn, attachments: [] }));
    expect(vpcTask?.containerInstanceArn).toBe(arn);
    expect(vpcTask?.attachments.map((attachment) => attachment.type)).toEqual(['ElasticNetworkInterface']);
    const [record] = z
      .array(z.object({ ec2InstanceId: z.string(), status: z.string(), runningTasksCount: z.number(), pendingTasksCount: z.number(), remainingResources: z.array(z.object({ name: z.string(), integerValue: z.number() })) }))
      .parse(described['containerInstances']);
    expect(record).toMatchObject({ ec2InstanceId: instance.InstanceId, status: 'ACTIVE' });
    expect((record?.runningTasksCount ?? 0) + (record?.pendingTasksCount ?? 0)).toBe(2);
    expect(record?.remainingResources.find((resource) => resource.name === 'CPU')?.integerValue).toBe(1536);
    expect(described['failures']).toEqual([{ arn: 'arn:aws:ecs:us-east-1:123456789012:container-instance/cli/00000000000000000000000000000000', reason: 'MISSING' }]);
  });
});
