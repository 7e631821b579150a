import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { MirrorError } from '../../../src/core/errors.js';
import { REFRESH_BEFORE_EXPIRY_MS, RoleSessions } from '../../../src/aws/role-sessions.js';
import { FakeClock } from '../../support/fake-ports.js';

const MEMBER = { accountId: '222222222222', region: 'eu-west-1' };

function sessions(clock: FakeClock) {
  const sts = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const mock = mockClient(sts);
  let issued = 0;
  mock.on(AssumeRoleCommand).callsFake(() => {
    issued++;
    return { Credentials: { AccessKeyId: `ASIA${issued}`, SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now() + 3600_000) } };
  });
  return { mock, roles: new RoleSessions({ roleName: 'ecs-traffic-mirror-member', externalId: 'ext', sts, clock }) };
}

describe('RoleSessions', () => {
  it('assumes the member role once per account and reuses it until shortly before it expires', async () => {
    const clock = new FakeClock();
    const { mock, roles } = sessions(clock);
    expect((await roles.credentialsFor(MEMBER)).accessKeyId).toBe('ASIA1');
    // The same account in another Region: the same session (a role session is valid in every Region).
    expect((await roles.credentialsFor({ ...MEMBER, region: 'us-east-1' })).accessKeyId).toBe('ASIA1');
    await clock.sleep(3600_000 - REFRESH_BEFORE_EXPIRY_MS - 1);
    expect((await roles.credentialsFor(MEMBER)).accessKeyId).toBe('ASIA1');
    await clock.sleep(1);
    expect((await roles.credentialsFor(MEMBER)).accessKeyId).toBe('ASIA2');
    const calls = mock.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls[0]).toEqual({ RoleArn: 'arn:aws:iam::222222222222:role/ecs-traffic-mirror-member', RoleSessionName: 'ecs-traffic-mirror-hub', ExternalId: 'ext' });
  });

  it('names the partition of the Region in the role ARN', () => {
    const { roles } = sessions(new FakeClock());
    expect(roles.roleArnOf({ accountId: '222222222222', region: 'cn-north-1' })).toBe('arn:aws-cn:iam::222222222222:role/ecs-traffic-mirror-member');
    expect(roles.roleArnOf({ accountId: '222222222222', region: 'us-gov-west-1' })).toBe('arn:aws-us-gov:iam::222222222222:role/ecs-traffic-mirror-member');
  });

  it('turns a refusal into a MirrorError with the AWS code, and asks again next time', async () => {
    const clock = new FakeClock();
    const { mock, roles } = sessions(clock);
    const denied = Object.assign(new Error('User: x is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 } });
    mock.on(AssumeRoleCommand).rejectsOnce(denied);
    const error = await roles.credentialsFor(MEMBER).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MirrorError);
    expect(error).toMatchObject({ kind: 'unauthorized', awsCode: 'AccessDenied' });
    mock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'ASIAOK', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now() + 3600_000) } });
    expect((await roles.credentialsFor(MEMBER)).accessKeyId).toBe('ASIAOK');
  });
});
