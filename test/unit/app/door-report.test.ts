import { describe, expect, it } from 'vitest';
import { doorsByCluster, instanceSessionsOf, taskDoors, withDoorOf } from '../../../src/app/door-report.js';
import type { EniStatus } from '../../../src/app/reconcile.js';
import type { TaskEni, TaskSnapshot } from '../../../src/core/task.js';

const CLUSTER_ARN = 'arn:aws:ecs:eu-central-1:123456789012:cluster/ec2';
const HOST = 'arn:aws:ecs:eu-central-1:123456789012:container-instance/ec2/0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f';
const PRIMARY = 'eni-000000000000000aa';

function task(n: number, enis: readonly TaskEni[], containerInstanceArn?: string): TaskSnapshot {
  const taskId = String(n).padStart(32, '0');
  return {
    taskArn: `arn:aws:ecs:eu-central-1:123456789012:task/ec2/${taskId}`,
    taskId,
    clusterArn: CLUSTER_ARN,
    clusterName: 'ec2',
    lastStatus: 'RUNNING',
    version: 0,
    enis,
    tags: {},
    ...(containerInstanceArn === undefined ? {} : { containerInstanceArn }),
  };
}

const ownEni = (id: string, door?: 'task-eni' | 'branch'): TaskEni => ({ attachmentId: `att-${id}`, status: 'ATTACHED', networkInterfaceId: id, ...(door ? { door } : {}) });
const instanceEni: TaskEni = { attachmentId: 'instance:0f0f', status: 'ATTACHED', networkInterfaceId: PRIMARY, door: 'instance-eni', containerInstanceArn: HOST, instanceId: 'i-0000000000000000a' };

function status(of: TaskSnapshot, state: EniStatus['state'], sessionId?: string): EniStatus {
  const eni = of.enis[0];
  return withDoorOf({ cluster: of.clusterName, taskArn: of.taskArn, ...(eni?.networkInterfaceId ? { networkInterfaceId: eni.networkInterfaceId } : {}), state, ...(sessionId ? { sessionId } : {}), reason: state }, of);
}

describe('the door report', () => {
  const fargate = task(1, [ownEni('eni-00000000000000001')]);
  const branch = task(2, [ownEni('eni-00000000000000002', 'branch')], HOST);
  const bridges = [task(3, [instanceEni], HOST), task(4, [instanceEni], HOST), task(5, [instanceEni], HOST)];
  const xen = task(6, [ownEni('eni-00000000000000006', 'task-eni')], 'arn:aws:ecs:eu-central-1:123456789012:container-instance/ec2/xen');
  const excluded = task(7, [ownEni('eni-00000000000000007')]);
  const tasks = [fargate, branch, ...bridges, xen, excluded];
  // As the sweep's plan has it: the first bridge task by ARN claims the shared ENI, the others have no status of their own.
  const states = [
    status(fargate, 'mirrored', 'tms-00000000000000001'),
    status(branch, 'unsupported'),
    status(bridges[0] as TaskSnapshot, 'mirrored', 'tms-000000000000000aa'),
    status(xen, 'unsupported'),
    status(excluded, 'excluded'),
  ];

  it('counts every task once by its door, bridge tasks that share their instance ENI included', () => {
    const doors = taskDoors(tasks, states);
    expect(doorsByCluster(['ec2', 'empty'], doors)).toEqual([
      { cluster: 'ec2', taskEni: 1, instanceEni: 3, branch: 1, unsupportedHost: 1, onContainerInstances: 5 },
      { cluster: 'empty', taskEni: 0, instanceEni: 0, branch: 0, unsupportedHost: 0, onContainerInstances: 0 },
    ]);
  });

  it('lists the instance session with every task it covers, and no other session', () => {
    expect(instanceSessionsOf(taskDoors(tasks, states))).toEqual([
      { sessionId: 'tms-000000000000000aa', networkInterfaceId: PRIMARY, cluster: 'ec2', containerInstanceArn: HOST, instanceId: 'i-0000000000000000a', taskArns: bridges.map((t) => t.taskArn) },
    ]);
  });

  it('leaves out an instance ENI not mirrored: its tasks are unmirrored, not covered', () => {
    const missing = [status(bridges[0] as TaskSnapshot, 'missing')];
    expect(instanceSessionsOf(taskDoors(bridges, missing))).toEqual([]);
    expect(doorsByCluster(['ec2'], taskDoors(bridges, missing))[0]).toMatchObject({ instanceEni: 3 });
  });

  it('marks each status with its door and host', () => {
    expect(status(bridges[1] as TaskSnapshot, 'mirrored')).toMatchObject({ door: 'instance-eni', containerInstanceArn: HOST, instanceId: 'i-0000000000000000a' });
    expect(status(fargate, 'missing')).toMatchObject({ door: 'task-eni' });
    expect(status(fargate, 'missing')).not.toHaveProperty('containerInstanceArn');
  });
});
