import { DescribeSubnetsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { ECSClient, ECSServiceException, ListClustersCommand } from '@aws-sdk/client-ecs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { REFRESH_BEFORE_EXPIRY_MS, RoleSessions } from '../../../src/aws/role-sessions.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

const HUB = '111111111111';
const MEMBER = { accountId: '222222222222', region: 'us-east-1' };
const ROLE = `arn:aws:iam::${MEMBER.accountId}:role/ecs-traffic-mirror-member`;
const START = Date.parse('2026-01-01T00:00:00Z');

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const config = (e: RunningEmulator, credentials: Credentials) => ({ endpoint: e.url, region: 'us-east-1', credentials, maxAttempts: 1 });

async function codeOf(call: Promise<unknown>): Promise<string> {
  const error: unknown = await call.then(() => undefined, (caught: unknown) => caught);
  if (error instanceof EC2ServiceException || error instanceof ECSServiceException || error instanceof STSServiceException) return `${error.name} ${error.$metadata.httpStatusCode}`;
  return error === undefined ? 'ok' : String(error);
}

let emulator: RunningEmulator | undefined;
// Only Date is faked: the emulator's clock (Date.now) moves when the test says so, sockets and timers stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: START });
});
afterEach(async () => {
  vi.useRealTimers();
  await emulator?.close();
  emulator = undefined;
});

describe('role-session credentials expire', () => {
  it('serves a session until its DurationSeconds have passed, then refuses it with ExpiredToken', async () => {
    // prepare
    emulator = await startEmulator({ port: 0, org: { accessKeys: { AKIAHUBKEY: { accountId: HUB } } } });
    const sts = new STSClient(config(emulator, { accessKeyId: 'AKIAHUBKEY', secretAccessKey: 'x' }));
    const answer = await sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'short', DurationSeconds: 900 }));
    const c = answer.Credentials;
    const session = { accessKeyId: c?.AccessKeyId ?? '', secretAccessKey: c?.SecretAccessKey ?? '', sessionToken: c?.SessionToken ?? '' };
    const ec2 = new EC2Client(config(emulator, session));
    const ecs = new ECSClient(config(emulator, session));
    const asSession = new STSClient(config(emulator, session));
    expect(c?.Expiration?.getTime()).toBe(START + 900_000);
    // act + assess: valid to the last second, refused from its expiration on
    vi.setSystemTime(START + 899_000);
    expect(await codeOf(ec2.send(new DescribeSubnetsCommand({})))).toBe('ok');
    vi.setSystemTime(START + 900_000);
    expect(await codeOf(ec2.send(new DescribeSubnetsCommand({})))).toBe('ExpiredToken 403');
    expect(await codeOf(ecs.send(new ListClustersCommand({})))).toBe('ExpiredToken 403');
    expect(await codeOf(asSession.send(new GetCallerIdentityCommand({})))).toBe('ExpiredToken 403');
    // Long-term keys never expire.
    expect(await codeOf(sts.send(new GetCallerIdentityCommand({})))).toBe('ok');
    for (const client of [sts, ec2, ecs, asSession]) client.destroy();
  });

  it.each([899, 43_201])('refuses DurationSeconds %i with ValidationError (STS model: 900..43200)', async (seconds) => {
    emulator = await startEmulator({ port: 0, org: { accessKeys: { AKIAHUBKEY: { accountId: HUB } } } });
    const sts = new STSClient(config(emulator, { accessKeyId: 'AKIAHUBKEY', secretAccessKey: 'x' }));
    expect(await codeOf(sts.send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'bad', DurationSeconds: seconds })))).toBe('ValidationError 400');
    sts.destroy();
  });

  it("the hub's RoleSessions renews a member session before it expires, so no call is refused", async () => {
    // prepare
    emulator = await startEmulator({ port: 0, org: { accessKeys: { AKIAHUBKEY: { accountId: HUB } } } });
    const sts = new STSClient(config(emulator, { accessKeyId: 'AKIAHUBKEY', secretAccessKey: 'x' }));
    const sessions = new RoleSessions({ roleName: 'ecs-traffic-mirror-member', sts, clock: { now: () => Date.now(), sleep: async () => {} } });
    const describeWith = async (credentials: Credentials) => {
      const client = new EC2Client(config(emulator as RunningEmulator, credentials));
      try {
        return await codeOf(client.send(new DescribeSubnetsCommand({})));
      } finally {
        client.destroy();
      }
    };
    const first = await sessions.credentialsFor(MEMBER);
    // act: just inside the refresh margin of the first session (AssumeRole's default: 3600 s)
    vi.setSystemTime(first.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS + 1);
    const second = await sessions.credentialsFor(MEMBER);
    // assess: a new session, taken while the old one still worked
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(await describeWith(first)).toBe('ok');
    vi.setSystemTime(first.expiration.getTime());
    expect(await describeWith(first)).toBe('ExpiredToken 403');
    expect((await sessions.credentialsFor(MEMBER)).accessKeyId).toBe(second.accessKeyId);
    expect(await describeWith(second)).toBe('ok');
    sts.destroy();
  });
});
