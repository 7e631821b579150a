import { afterEach, describe, expect, it } from 'vitest';
import { groundTruth } from '../../src/emulator/ground-truth.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/truth/0123456789abcdef';
const started: RunningEmulator[] = [];
afterEach(async () => {
  for (const emulator of started.splice(0)) await emulator.close();
});

async function emulatorWithTasks(seed: number): Promise<{ emulator: RunningEmulator; targetId: string }> {
  const emulator = await startEmulator({ port: 0, seed, timing: { stepDelayMs: 1, schedulerIntervalMs: 10 } });
  started.push(emulator);
  const targetId = emulator.ec2.createTarget({ networkLoadBalancerArn: NLB_ARN }).trafficMirrorTarget.trafficMirrorTargetId;
  await emulator.ecs.handle('CreateCluster', { clusterName: 'truth' });
  await emulator.ecs.handle('RegisterTaskDefinition', {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'nginx' }],
  });
  const subnets = [...emulator.network.subnets.keys()];
  await emulator.ecs.handle('RunTask', { cluster: 'truth', taskDefinition: 'web', launchType: 'FARGATE', count: 3, networkConfiguration: { awsvpcConfiguration: { subnets } } });
  await emulator.ecs.idle();
  return { emulator, targetId };
}

describe('groundTruth', () => {
  it('reads emulator state outside the fault injector: no throttling, nothing counted', async () => {
    const { emulator, targetId } = await emulatorWithTasks(7);
    emulator.setFaults({ ecsThrottleRate: 1 });
    const before = emulator.ecs.operationCounts();
    const truth = await groundTruth(emulator, targetId);
    expect(truth.tasksByStatus).toEqual({ RUNNING: 3 });
    expect(truth.enis).toHaveLength(3);
    expect(emulator.ecs.operationCounts()).toEqual(before);
  });

  it('draws nothing from the seeded random stream, so polling it cannot change later faults or ids', async () => {
    const polled = await emulatorWithTasks(9);
    const untouched = await emulatorWithTasks(9);
    for (let i = 0; i < 20; i++) await groundTruth(polled.emulator, polled.targetId);
    const next = (emulator: RunningEmulator): string => emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
    expect(next(polled.emulator)).toBe(next(untouched.emulator));
  });
});
