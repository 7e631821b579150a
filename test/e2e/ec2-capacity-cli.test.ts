import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handleTaskEvents } from '../../src/app/handle-task-events.js';
import { reconcile } from '../../src/app/reconcile.js';
import { startWorld, type World } from './support/world.js';

/**
 * Issue 13's "done when" with the AWS CLI driving the emulator's setup, as an operator would:
 * RunInstances, RegisterContainerInstance with the identity document the agent sends, a bridge
 * task definition, RunTask; the product then mirrors the instance once and cleans up after.
 */
const run = promisify(execFile);

function cliAvailable(): boolean {
  try {
    execFileSync('aws', ['--version'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
const available = cliAvailable();
if (!available) console.warn('ec2-capacity-cli.test.ts: skipped — the `aws` command is not on PATH.');

describe.skipIf(!available)('bridge tasks set up with the AWS CLI', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  const env = {
    ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_'))),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_MAX_ATTEMPTS: '1',
  };
  async function aws(...args: string[]): Promise<Record<string, unknown>> {
    const { stdout } = await run('aws', ['--endpoint-url', world.emulator.url, '--output', 'json', ...args], { env, timeout: 60_000 });
    return stdout.trim() === '' ? {} : (JSON.parse(stdout) as Record<string, unknown>);
  }
  const at = (value: unknown, ...path: (string | number)[]): unknown =>
    path.reduce<unknown>((current, key) => (typeof current === 'object' && current !== null ? (current as Record<string | number, unknown>)[key] : undefined), value);

  it('mirrors two bridge tasks with one session on the primary ENI, deleted by the sweep once both stopped', async () => {
    await aws('ecs', 'create-cluster', '--cluster-name', 'cli-ec2');
    const reservation = await aws('ec2', 'run-instances', '--image-id', 'ami-0ec2ec5ec2ec5ec20', '--instance-type', 'c5.large', '--count', '1', '--subnet-id', world.subnets[0] ?? '');
    const instance = at(reservation, 'Instances', 0) as Record<string, unknown>;
    const primaryEni = at(instance, 'NetworkInterfaces', 0, 'NetworkInterfaceId');
    const document = JSON.stringify({
      accountId: world.emulator.accountId,
      availabilityZone: at(instance, 'Placement', 'AvailabilityZone'),
      instanceId: instance['InstanceId'],
      instanceType: 'c5.large',
      privateIp: instance['PrivateIpAddress'],
      region: world.emulator.region,
    });
    await aws('ecs', 'register-container-instance', '--cluster', 'cli-ec2', '--instance-identity-document', document, '--instance-identity-document-signature', 'sig');
    await aws('ecs', 'register-task-definition', '--family', 'bridge', '--network-mode', 'bridge', '--container-definitions', '[{"name":"app","image":"nginx","cpu":128,"memory":256}]');
    const ran = await aws('ecs', 'run-task', '--cluster', 'cli-ec2', '--task-definition', 'bridge', '--launch-type', 'EC2', '--count', '2');
    const arns = ((ran['tasks'] as Record<string, unknown>[] | undefined) ?? []).map((t) => String(t['taskArn']));
    expect(arns).toHaveLength(2);
    await aws('ecs', 'wait', 'tasks-running', '--cluster', 'cli-ec2', '--tasks', ...arns);

    const deps = world.deps();
    await handleTaskEvents(arns.map((arn) => world.eventOf(arn, 'RUNNING')), deps);
    const described = await aws('ec2', 'describe-traffic-mirror-sessions', '--filters', `Name=network-interface-id,Values=${String(primaryEni)}`);
    expect(described['TrafficMirrorSessions']).toHaveLength(1);

    for (const arn of arns) await aws('ecs', 'stop-task', '--cluster', 'cli-ec2', '--task', arn);
    await aws('ecs', 'wait', 'tasks-stopped', '--cluster', 'cli-ec2', '--tasks', ...arns);
    const report = await reconcile(deps, { dryRun: false, clusters: ['cli-ec2'], actionsPerSecond: 1000 });
    expect(report.deleted.map((d) => d.networkInterfaceId)).toEqual([primaryEni]);
    const after = await aws('ec2', 'describe-traffic-mirror-sessions', '--filters', `Name=network-interface-id,Values=${String(primaryEni)}`);
    expect(after['TrafficMirrorSessions']).toEqual([]);
  });
});
