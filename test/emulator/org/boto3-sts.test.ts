import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';
import { hasBoto3 } from '../helpers.js';

/** boto3's query serializer and XML parser against the emulator's STS: AssumeRole, then a call with the session. */
const run = promisify(execFile);

const available = hasBoto3();
if (!available) console.warn('boto3-sts.test.ts: skipped — python3 with boto3 is not available.');

const MEMBER = '222222222222';
const ROLE = `arn:aws:iam::${MEMBER}:role/ecs-traffic-mirror-member`;

const SCRIPT = `
import json, os, boto3, botocore.exceptions
url = os.environ['EMULATOR_URL']
sts = boto3.client('sts', endpoint_url=url, region_name='us-east-1', aws_access_key_id='AKIAHUBROLE', aws_secret_access_key='x')
creds = sts.assume_role(RoleArn=os.environ['ROLE'], RoleSessionName='boto3', ExternalId='mirror-ext')['Credentials']
session = boto3.client('sts', endpoint_url=url, region_name='us-east-1', aws_access_key_id=creds['AccessKeyId'],
                       aws_secret_access_key=creds['SecretAccessKey'], aws_session_token=creds['SessionToken'])
identity = session.get_caller_identity()
try:
    sts.assume_role(RoleArn=os.environ['ROLE'], RoleSessionName='boto3', ExternalId='wrong-ext')
    denied = None
except botocore.exceptions.ClientError as error:
    denied = [error.response['Error']['Code'], error.response['ResponseMetadata']['HTTPStatusCode']]
print(json.dumps({'account': identity['Account'], 'arn': identity['Arn'], 'expiration': creds['Expiration'].isoformat(), 'denied': denied}))
`;

describe.skipIf(!available)('boto3 against the emulated STS', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      org: {
        accessKeys: { AKIAHUBROLE: { accountId: '111111111111', roleArn: 'arn:aws:iam::111111111111:role/hub-event' } },
        roles: {
          [ROLE]: {
            trustPolicy: {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:role/hub-event' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'mirror-ext' } } }],
            },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("assumes the member role, calls as the session, and is refused with AWS's AccessDenied", async () => {
    const { stdout } = await run('python3', ['-c', SCRIPT], {
      env: { ...process.env, EMULATOR_URL: emulator.url, ROLE, AWS_MAX_ATTEMPTS: '1' },
      timeout: 60_000,
    });
    const out = z.object({ account: z.string(), arn: z.string(), expiration: z.string(), denied: z.tuple([z.string(), z.number()]) }).parse(JSON.parse(stdout));
    expect(out).toMatchObject({ account: MEMBER, arn: `arn:aws:sts::${MEMBER}:assumed-role/ecs-traffic-mirror-member/boto3`, denied: ['AccessDenied', 403] });
    expect(Date.parse(out.expiration)).toBeGreaterThan(Date.now());
  });
});
