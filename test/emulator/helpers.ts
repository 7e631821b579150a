import { execFileSync } from 'node:child_process';
import { EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { expect } from 'vitest';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../src/emulator/index.js';
import type { CreateEniInput, NetworkInterface } from '../../src/emulator/network.js';

export const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/mirror/0123456789abcdef';

export interface Harness {
  readonly emulator: RunningEmulator;
  /** SDK client against the emulator; no retries, so errors surface as they are answered. */
  readonly ec2: EC2Client;
  readonly subnetId: string;
  eni(input?: Partial<CreateEniInput>): NetworkInterface;
  nlbTargetId(): string;
  filterId(): string;
  close(): Promise<void>;
}

export async function startHarness(options: StartEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEmulator({ port: 0, ...options });
  const ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  const [subnetId] = emulator.network.subnets.keys();
  let nlbCount = 0;
  if (!subnetId) throw new Error('emulator has no subnet');
  return {
    emulator,
    ec2,
    subnetId,
    eni: (input = {}) => emulator.network.createEni({ subnetId, ...input }),
    // One target per NLB (NlbInUseByTrafficMirrorTargetException): each call gets its own NLB.
    nlbTargetId: () =>
      emulator.ec2.createTarget({ networkLoadBalancerArn: `${NLB_ARN}${(nlbCount++).toString(16)}` }).trafficMirrorTarget
        .trafficMirrorTargetId,
    filterId: () => emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId,
    close: async () => {
      ec2.destroy();
      await emulator.close();
    },
  };
}

/** Awaits a rejected SDK call and checks the EC2 error code (and HTTP status when given). */
export async function expectEc2Error(call: Promise<unknown>, code: string, status?: number): Promise<EC2ServiceException> {
  const error: unknown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(EC2ServiceException);
  if (!(error instanceof EC2ServiceException)) throw new Error('unreachable');
  expect(error.name).toBe(code);
  if (status !== undefined) expect(error.$metadata.httpStatusCode).toBe(status);
  return error;
}

/** Whether python3 with boto3 is here: the boto3 tests skip, with a warning, when it is not. */
export function hasBoto3(): boolean {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}
