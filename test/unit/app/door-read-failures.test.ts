import { beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../../src/app/deps.js';
import { handleTaskEvents } from '../../../src/app/handle-task-events.js';
import { loadConfig } from '../../../src/config/from-env.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { MirrorError } from '../../../src/core/errors.js';
import type { DescribedContainerInstances } from '../../../src/ports/index.js';
import { CountingMetrics, FakeClock, FakeEc2, FakeEcs, RecordingLogger } from '../../support/fake-ports.js';
import { taskEvent, type TaskEventSpec } from '../../support/task-events.js';

/** A door read that fails: DescribeNetworkInterfaces for some ENIs, DescribeContainerInstances in some clusters. */
class FailingEc2 extends FakeEc2 {
  readonly unreadableEnis = new Set<string>();
  override async networkInterfaceTypes(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
    if (ids.some((id) => this.unreadableEnis.has(id))) throw new MirrorError('throttled', 'Request limit exceeded.', 'RequestLimitExceeded');
    return super.networkInterfaceTypes(ids);
  }
}

class FailingEcs extends FakeEcs {
  readonly unreadableClusters = new Set<string>();
  override async describeContainerInstances(cluster: string, arns: readonly string[]): Promise<DescribedContainerInstances> {
    if (this.unreadableClusters.has(cluster)) throw new MirrorError('throttled', 'Rate exceeded', 'ThrottlingException');
    return super.describeContainerInstances(cluster, arns);
  }
}

let ec2: FailingEc2;
let ecs: FailingEcs;

const deps = (): AppDeps => ({
  config: loadConfig({ MIRROR_TARGET_ID: 'tmt-0123456789abcdef0', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' }),
  ec2,
  ecs: async () => ecs,
  clock: new FakeClock(),
  logger: new RecordingLogger(),
  metrics: new CountingMetrics(),
});

/** A Managed Instances awsvpc task: on a container instance, with an ENI of its own. */
function managedInstancesEvent(spec: TaskEventSpec & { readonly containerInstance: string }): Record<string, unknown> {
  const event = taskEvent({ launchType: 'MANAGED_INSTANCES', ...spec });
  const detail = event['detail'] as Record<string, unknown>;
  const clusterName = spec.cluster ?? 'prod';
  const containerInstanceArn = `arn:aws:ecs:eu-central-1:123456789012:container-instance/${clusterName}/${spec.containerInstance}`;
  ecs.containerInstances.set(containerInstanceArn, { containerInstanceArn, ec2InstanceId: `i-${spec.containerInstance}`, status: 'ACTIVE' });
  return { ...event, detail: { ...detail, containerInstanceArn, capacityProviderName: 'mi' } };
}

async function handle(events: readonly Record<string, unknown>[]) {
  ecs.tasks = events.map((event) => parseTaskStateChangeEvent(event));
  return handleTaskEvents(events, deps());
}

beforeEach(() => {
  ec2 = new FailingEc2();
  ecs = new FailingEcs();
});

describe('handleTaskEvents: a door read that fails', () => {
  it('fails only the events whose ENI type could not be read; the rest of the batch is mirrored', async () => {
    ec2.unreadableEnis.add('eni-0000000000000000b');
    const results = await handle([
      taskEvent({ taskId: 'a'.repeat(32), enis: [{ id: 'eni-0000000000000000a' }] }),
      managedInstancesEvent({ taskId: 'b'.repeat(32), enis: [{ id: 'eni-0000000000000000b' }], containerInstance: 'c'.repeat(32) }),
    ]);

    expect(results.map((result) => result.failure?.outcome)).toEqual([undefined, 'retry']);
    expect(results[0]?.enis[0]).toMatchObject({ outcome: 'created' });
    expect(results[1]).toMatchObject({ failure: { kind: 'throttled', awsCode: 'RequestLimitExceeded' }, enis: [{ networkInterfaceId: 'eni-0000000000000000b', outcome: 'failed' }] });
    expect([...ec2.sessions.values()].map((session) => session.networkInterfaceId)).toEqual(['eni-0000000000000000a']);
  });

  it('fails only the events of the cluster whose container instances could not be described', async () => {
    ecs.unreadableClusters.add('arn:aws:ecs:eu-central-1:123456789012:cluster/blue');
    const results = await handle([
      managedInstancesEvent({ cluster: 'blue', taskId: 'b'.repeat(32), enis: [{ id: 'eni-0000000000000000b' }], containerInstance: '1'.repeat(32) }),
      managedInstancesEvent({ cluster: 'green', taskId: 'c'.repeat(32), enis: [{ id: 'eni-0000000000000000c' }], containerInstance: '2'.repeat(32) }),
    ]);

    expect(results.map((result) => result.failure?.kind)).toEqual(['throttled', undefined]);
    expect(results[1]?.enis[0]).toMatchObject({ outcome: 'created', networkInterfaceId: 'eni-0000000000000000c' });
  });
});
