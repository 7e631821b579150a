import { CreateTagsCommand, CreateTrafficMirrorSessionCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

/**
 * EC2's tag restrictions (EC2 User Guide, "Tag your Amazon EC2 resources", Tag restrictions): keys
 * of 1 to 128 and values of 0 to 256 Unicode characters; the product relies on the emulator
 * refusing what EC2 refuses, so that a too-long tag value fails here as on AWS.
 */
let emulator: RunningEmulator;
let ec2: EC2Client;

afterEach(async () => {
  ec2.destroy();
  await emulator.close();
});

describe('emulator: EC2 tag limits', () => {
  it('answers InvalidParameterValue for a value over 256 characters or a key over 128, and accepts the limits', async () => {
    // prepare
    emulator = await startEmulator({ port: 0 });
    ec2 = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'x' }, maxAttempts: 1 });
    const [subnetId = ''] = emulator.network.subnets.keys();
    const eni = emulator.network.createEni({ subnetId });
    const targetId = emulator.ec2.createTarget({ networkLoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x/0123456789abcdef' }).trafficMirrorTarget.trafficMirrorTargetId;
    const filterId = emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
    const create = (Key: string, Value: string) =>
      ec2.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: eni.networkInterfaceId,
          TrafficMirrorTargetId: targetId,
          TrafficMirrorFilterId: filterId,
          SessionNumber: 1,
          TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: [{ Key, Value }] }],
        }),
      );
    const failure = (call: Promise<unknown>) => call.then(() => undefined, (error: unknown) => error);
    // act
    const longValue = await failure(create('k', 'v'.repeat(257)));
    const longKey = await failure(create('k'.repeat(129), 'v'));
    const atLimits = await create('k'.repeat(128), 'v'.repeat(256));
    const sessionId = atLimits.TrafficMirrorSession?.TrafficMirrorSessionId ?? '';
    const longTag = await failure(ec2.send(new CreateTagsCommand({ Resources: [sessionId], Tags: [{ Key: 'x', Value: 'v'.repeat(257) }] })));
    // assess
    expect(longValue).toMatchObject({ name: 'InvalidParameterValue' });
    expect(longKey).toMatchObject({ name: 'InvalidParameterValue' });
    expect(sessionId).toMatch(/^tms-/);
    expect(longTag).toMatchObject({ name: 'InvalidParameterValue' });
  });
});
