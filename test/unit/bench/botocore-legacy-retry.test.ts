import { describe, expect, it } from 'vitest';
import { botocoreLegacyDelayMs, botocoreLegacyRetryable, withBotocoreLegacyRetry } from '../../../bench/botocore-legacy-retry.js';

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
}

describe('botocore legacy retry (the seed port)', () => {
  it('retries what _retry.json lists, and nothing else', () => {
    expect(botocoreLegacyRetryable('ec2', serviceError('RequestLimitExceeded', 503))).toBe(true);
    expect(botocoreLegacyRetryable('ec2', serviceError('InternalError', 500))).toBe(true);
    expect(botocoreLegacyRetryable('ecs', serviceError('ThrottlingException', 400))).toBe(true);
    expect(botocoreLegacyRetryable('ecs', serviceError('Anything', 429))).toBe(true);
    expect(botocoreLegacyRetryable('ec2', serviceError('InvalidNetworkInterfaceID.NotFound', 400))).toBe(false);
    expect(botocoreLegacyRetryable('ec2', serviceError('NetworkInterfaceNotSupported', 400))).toBe(false);
    expect(botocoreLegacyRetryable('ec2', Object.assign(new Error('reset'), { code: 'ECONNRESET' }))).toBe(true);
  });

  it('waits rand × 2^(attempt − 1) s between five attempts, then gives up', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    const failing = withBotocoreLegacyRetry(
      'ec2',
      () => {
        calls++;
        return Promise.reject(serviceError('RequestLimitExceeded', 503));
      },
      { random: () => 0.5, sleep: (ms) => (sleeps.push(ms), Promise.resolve()) },
    );
    await expect(failing).rejects.toThrow('RequestLimitExceeded');
    expect(calls).toBe(5);
    expect(sleeps).toEqual([500, 1000, 2000, 4000]);
    expect(botocoreLegacyDelayMs(4, () => 1)).toBe(8000);
  });

  it('does not retry an error botocore does not list', async () => {
    let calls = 0;
    const failing = withBotocoreLegacyRetry('ec2', () => (calls++, Promise.reject(serviceError('UnauthorizedOperation', 403))), { random: () => 0, sleep: () => Promise.resolve() });
    await expect(failing).rejects.toThrow();
    expect(calls).toBe(1);
  });
});
