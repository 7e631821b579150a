import { describe, expect, it } from 'vitest';
import { physicalLimitSeconds, sourcesOf, type LaunchedTask } from '../../../bench/burst.js';
import { instanceCapacityOf, planFleet } from '../../../bench/ec2-fleet.js';

const M5_LARGE = { interfaces: 3, cpu: 2048, memory: 8192 };

describe('sizing the EC2 fleet of a burst', () => {
  it('gives each awsvpc task one of the interfaces the primary ENI leaves free', () => {
    const plan = planFleet({ tasks: 300, bridgeShare: 0, instanceType: 'm5.large', capacity: M5_LARGE });

    expect(plan).toEqual({ instanceType: 'm5.large', instances: 150, awsvpcTasks: 300, bridgeTasks: 0, taskEnisPerInstance: 2 });
  });

  it('rounds up when the last instance is not full', () => {
    expect(planFleet({ tasks: 301, bridgeShare: 0, instanceType: 'm5.large', capacity: M5_LARGE }).instances).toBe(151);
  });

  it('sizes bridge tasks by CPU and memory only', () => {
    const plan = planFleet({ tasks: 300, bridgeShare: 1, instanceType: 'm5.large', capacity: M5_LARGE });

    // 2,048 CPU units hold 8 tasks of 256: 300 / 8 → 38 instances, no ENI needed.
    expect(plan).toMatchObject({ instances: 38, awsvpcTasks: 0, bridgeTasks: 300 });
  });

  it('takes the larger of the ENI and the CPU need in a mixed burst', () => {
    const plan = planFleet({ tasks: 100, bridgeShare: 0.3, instanceType: 'm5.large', capacity: M5_LARGE });

    expect(plan).toMatchObject({ awsvpcTasks: 70, bridgeTasks: 30, instances: 35 });
    const cpuBound = planFleet({ tasks: 100, bridgeShare: 0.3, instanceType: 'tiny', capacity: { interfaces: 4, cpu: 512, memory: 8192 } });
    expect(cpuBound.instances).toBe(50);
  });

  it('refuses a type that cannot hold an awsvpc task or any task', () => {
    expect(() => planFleet({ tasks: 10, bridgeShare: 0, instanceType: 'one-eni', capacity: { interfaces: 1, cpu: 2048, memory: 8192 } })).toThrow('no network interface left');
    expect(() => planFleet({ tasks: 10, bridgeShare: 1, instanceType: 'small', capacity: { interfaces: 1, cpu: 128, memory: 8192 } })).toThrow('cannot hold one task');
  });

  it("reads the emulator's figures for a type (ECS guide: m5.large 3 ENIs, 2 vCPUs, 8 GiB)", () => {
    expect(instanceCapacityOf('m5.large')).toEqual(M5_LARGE);
    expect(instanceCapacityOf('m5.xlarge')).toEqual({ interfaces: 4, cpu: 4096, memory: 16384 });
  });
});

function task(taskArn: string, networkInterfaceId: string | undefined, onInstanceEni: boolean): LaunchedTask {
  return { taskArn, group: 'family:burst-app', networkInterfaceId, mirrorable: true, late: false, onInstanceEni };
}

describe('sources of a burst', () => {
  it('counts the primary ENI of an instance once, however many bridge tasks it runs', () => {
    const launched = [task('a', 'eni-1', false), task('b', 'eni-2', false), task('c', 'eni-i1', true), task('d', 'eni-i1', true), task('e', 'eni-i2', true)];

    const sources = sourcesOf(launched);

    expect(sources.map((s) => [s.networkInterfaceId, s.tasks.map((t) => t.taskArn)])).toEqual([
      ['eni-1', ['a']],
      ['eni-2', ['b']],
      ['eni-i1', ['c', 'd']],
      ['eni-i2', ['e']],
    ]);
    expect(sources.filter((s) => s.onInstanceEni)).toHaveLength(2);
  });

  it('leaves out a task with no ENI found, and the limit counts creates, not tasks', () => {
    const bridgeOnTwoHosts = Array.from({ length: 100 }, (_, i) => task(`t${i}`, `eni-host${i % 2}`, true));

    const sources = sourcesOf([...bridgeOnTwoHosts, task('lost', undefined, false)]);

    expect(sources).toHaveLength(2);
    expect(physicalLimitSeconds(sources.length)).toBe(0);
    expect(physicalLimitSeconds(300)).toBe(50);
  });
});
