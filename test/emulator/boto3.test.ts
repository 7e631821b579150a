import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NLB_ARN, startHarness, type Harness } from './helpers.js';

/** boto3 smoke test: the Python SDK's query serializer and XML parser against the emulator. */
const run = promisify(execFile);

function hasBoto3(): boolean {
  try {
    execFileSync('python3', ['-c', 'import boto3'], { stdio: 'ignore', timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

const available = hasBoto3();
if (!available) console.warn('boto3.test.ts: skipped — python3 with boto3 is not available.');

const SCRIPT = `
import json, os, sys, boto3, botocore.exceptions
ec2 = boto3.client('ec2', endpoint_url=os.environ['EMULATOR_URL'], region_name='us-east-1',
                   aws_access_key_id='test', aws_secret_access_key='test')
eni = os.environ['ENI_ID']
target = ec2.create_traffic_mirror_target(NetworkLoadBalancerArn=os.environ['NLB_ARN'])['TrafficMirrorTarget']
flt = ec2.create_traffic_mirror_filter(Description='boto3')['TrafficMirrorFilter']
session = ec2.create_traffic_mirror_session(
    NetworkInterfaceId=eni, TrafficMirrorTargetId=target['TrafficMirrorTargetId'],
    TrafficMirrorFilterId=flt['TrafficMirrorFilterId'], SessionNumber=2, ClientToken='boto3-token',
    TagSpecifications=[{'ResourceType': 'traffic-mirror-session', 'Tags': [{'Key': 'k', 'Value': 'v'}]}])['TrafficMirrorSession']
pages = ec2.get_paginator('describe_traffic_mirror_sessions').paginate(
    Filters=[{'Name': 'network-interface-id', 'Values': [eni]}], PaginationConfig={'PageSize': 5})
described = [s for page in pages for s in page['TrafficMirrorSessions']]
try:
    ec2.create_traffic_mirror_session(
        NetworkInterfaceId=eni, TrafficMirrorTargetId=target['TrafficMirrorTargetId'],
        TrafficMirrorFilterId=flt['TrafficMirrorFilterId'], SessionNumber=3, ClientToken='boto3-token')
    mismatch = None
except botocore.exceptions.ClientError as error:
    mismatch = error.response['Error']['Code']
print(json.dumps({'session': session, 'described': described, 'mismatch': mismatch}))
`;

describe.skipIf(!available)('boto3 against the emulator', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('creates and pages sessions and sees IdempotentParameterMismatch', async () => {
    const eni = h.eni().networkInterfaceId;
    const { stdout } = await run('python3', ['-c', SCRIPT], {
      env: { ...process.env, EMULATOR_URL: h.emulator.url, ENI_ID: eni, NLB_ARN, AWS_MAX_ATTEMPTS: '1' },
      timeout: 60_000,
    });
    const session = z.object({ TrafficMirrorSessionId: z.string(), NetworkInterfaceId: z.string(), SessionNumber: z.number() });
    const out = z
      .object({ session, described: z.array(session), mismatch: z.string().nullable() })
      .parse(JSON.parse(stdout));
    expect(out.session).toMatchObject({ NetworkInterfaceId: eni, SessionNumber: 2 });
    expect(out.described.map((s) => s.TrafficMirrorSessionId)).toEqual([out.session.TrafficMirrorSessionId]);
    expect(out.mismatch).toBe('IdempotentParameterMismatch');
  });
});
