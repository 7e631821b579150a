import { CreateTrafficMirrorSessionCommand, DescribeTrafficMirrorSessionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SdkEc2Mirroring } from '../../../src/aws/ec2-mirroring.js';
import { toMirrorError } from '../../../src/aws/error-mapping.js';
import { MirrorError } from '../../../src/core/errors.js';
import { classifyError } from '../../../src/core/outcome.js';
import { planSessionForEni } from '../../../src/core/plan.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { taskEvent } from '../../support/task-events.js';

const ec2Mock = mockClient(EC2Client);

function awsError(code: string): EC2ServiceException {
  return new EC2ServiceException({ name: code, $fault: 'client', $metadata: {}, message: `${code} message` });
}

const options = { targetId: 'tmt-0123456789abcdef0', filterId: 'tmf-0123456789abcdef0', sessionNumber: 1 };

beforeEach(() => ec2Mock.reset());

describe('SdkEc2Mirroring', () => {
  it('sends the plan with its client token and ownership tags', async () => {
    ec2Mock.on(CreateTrafficMirrorSessionCommand).resolves({
      TrafficMirrorSession: { TrafficMirrorSessionId: 'tms-1', NetworkInterfaceId: 'eni-1', TrafficMirrorTargetId: options.targetId, TrafficMirrorFilterId: options.filterId, SessionNumber: 1, Tags: [{ Key: 'k', Value: 'v' }] },
    });
    const plan = planSessionForEni(parseTaskStateChangeEvent(taskEvent()), 'eni-1', options);

    const session = await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1' })).createSession(plan);

    const input = ec2Mock.commandCalls(CreateTrafficMirrorSessionCommand)[0]?.args[0].input;
    expect(input).toMatchObject({ NetworkInterfaceId: 'eni-1', ClientToken: plan.clientToken, SessionNumber: 1 });
    expect(input?.TagSpecifications?.[0]?.Tags).toContainEqual({ Key: 'ecs-traffic-mirror:managed', Value: 'true' });
    expect(session).toMatchObject({ sessionId: 'tms-1', tags: { k: 'v' } });
  });

  it('splits ENI filters into chunks of 200 values', async () => {
    ec2Mock.on(DescribeTrafficMirrorSessionsCommand).resolves({ TrafficMirrorSessions: [] });
    const ids = Array.from({ length: 450 }, (_, i) => `eni-${i}`);
    await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1' })).findSessionsForEnis(ids);
    const sizes = ec2Mock.commandCalls(DescribeTrafficMirrorSessionsCommand).map((c) => c.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toEqual([200, 200, 50]);
  });

  it('splits session-id filters into chunks of 200 values too (EC2 answers FilterLimitExceeded above 200)', async () => {
    ec2Mock.on(DescribeTrafficMirrorSessionsCommand).resolves({ TrafficMirrorSessions: [] });
    const ids = Array.from({ length: 401 }, (_, i) => `tms-${i}`);
    await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1' })).findSessionsByIds([...ids, ...ids]);
    const sizes = ec2Mock.commandCalls(DescribeTrafficMirrorSessionsCommand).map((c) => c.args[0].input.Filters?.[0]?.Values?.length);
    expect(sizes).toEqual([200, 200, 1]);
  });

  it('translates SDK errors into domain errors inside the adapter', async () => {
    ec2Mock.on(CreateTrafficMirrorSessionCommand).rejects(awsError('NetworkInterfaceNotSupported'));
    const plan = planSessionForEni(parseTaskStateChangeEvent(taskEvent()), 'eni-1', options);
    const error = await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1', maxAttempts: 1 })).createSession(plan).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MirrorError);
    expect(error).toMatchObject({ kind: 'eni-not-supported', awsCode: 'NetworkInterfaceNotSupported' });
  });

  it('looks sessions up by id with a filter, so ids that no longer exist are simply absent', async () => {
    ec2Mock.on(DescribeTrafficMirrorSessionsCommand).resolves({ TrafficMirrorSessions: [] });
    const found = await new SdkEc2Mirroring(new EC2Client({ region: 'us-east-1', maxAttempts: 1 })).findSessionsByIds(['tms-x', 'tms-y']);
    expect(found).toEqual([]);
    const input = ec2Mock.commandCalls(DescribeTrafficMirrorSessionsCommand)[0]?.args[0].input;
    expect(input?.Filters).toEqual([{ Name: 'traffic-mirror-session-id', Values: ['tms-x', 'tms-y'] }]);
    expect(input?.TrafficMirrorSessionIds).toBeUndefined();
  });
});

describe('toMirrorError', () => {
  it.each([
    ['InvalidNetworkInterfaceID.NotFound', 'eni-not-found'],
    ['NetworkInterfaceNotSupported', 'eni-not-supported'],
    ["NetworkInterfaceNotSupportedException", 'eni-not-supported'],
    ['TrafficMirrorSessionsPerInterfaceLimitExceeded', 'sessions-per-eni-limit'],
    ['TrafficMirrorSourcesPerTargetLimitExceeded', 'sources-per-target-limit'],
    ['TrafficMirrorSessionLimitExceeded', 'session-limit'],
    ['InvalidTrafficMirrorTargetId.NotFound', 'target-not-found'],
    ['InvalidTrafficMirrorFilterId.NotFound', 'filter-not-found'],
    ['IdempotentParameterMismatch', 'idempotent-mismatch'],
    ['RequestLimitExceeded', 'throttled'],
    ['UnauthorizedOperation', 'unauthorized'],
    ['InvalidNetworkInterfaceId.Malformed', 'invalid-parameter'],
    ['SomethingNew', 'unknown'],
  ])('maps %s to %s', (code, kind) => {
    expect(toMirrorError(awsError(code), 'Op')).toMatchObject({ kind, awsCode: code });
  });

  it('never retries a malformed ENI id (EC2 error codes page: InvalidNetworkInterfaceId.Malformed), unlike NotFound', () => {
    expect(classifyError(toMirrorError(awsError('InvalidNetworkInterfaceId.Malformed'), 'Op').kind)).toBe('config');
    expect(classifyError(toMirrorError(awsError('InvalidNetworkInterfaceID.NotFound'), 'Op').kind)).toBe('retry');
  });

  it('keeps errors without a code as unknown, with the cause', () => {
    const cause = new Error('socket hang up');
    const error = toMirrorError(cause, 'CreateTrafficMirrorSession');
    expect(error).toMatchObject({ kind: 'unknown', message: expect.stringContaining('socket hang up') });
    expect(error.cause).toBe(cause);
  });
});

describe('SdkEc2Mirroring with paced mutations', () => {
  function recordingPacer() {
    const events: string[] = [];
    return {
      events,
      acquire: () => (events.push('acquire'), Promise.resolve()),
      succeeded: () => void events.push('succeeded'),
      throttled: () => void events.push('throttled'),
    };
  }
  const clock = { now: () => 0, sleep: () => Promise.resolve() };
  const created = { TrafficMirrorSession: { TrafficMirrorSessionId: 'tms-1', NetworkInterfaceId: 'eni-1', TrafficMirrorTargetId: options.targetId, TrafficMirrorFilterId: options.filterId, SessionNumber: 1 } };

  it('sends each attempt through the pacer and tells it about every throttle', async () => {
    // prepare: two throttles, then the session
    ec2Mock.on(CreateTrafficMirrorSessionCommand).rejectsOnce(awsError('RequestLimitExceeded')).rejectsOnce(awsError('RequestLimitExceeded')).resolves(created);
    const pacer = recordingPacer();
    const client = new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
    const plan = planSessionForEni(parseTaskStateChangeEvent(taskEvent()), 'eni-1', options);
    // act
    const session = await new SdkEc2Mirroring(client, { mutations: { pacer, client, attempts: 8, clock } }).createSession(plan);
    // assess
    expect(session.sessionId).toBe('tms-1');
    expect(pacer.events).toEqual(['acquire', 'throttled', 'acquire', 'throttled', 'acquire', 'succeeded']);
    expect(ec2Mock.commandCalls(CreateTrafficMirrorSessionCommand)).toHaveLength(3);
  });

  it('gives up after its attempts, and does not retry what is not transient (it took a token: a success to the pacer)', async () => {
    ec2Mock.on(CreateTrafficMirrorSessionCommand).rejects(awsError('RequestLimitExceeded'));
    const pacer = recordingPacer();
    const client = new EC2Client({ region: 'us-east-1', maxAttempts: 1 });
    const plan = planSessionForEni(parseTaskStateChangeEvent(taskEvent()), 'eni-1', options);
    const mirroring = new SdkEc2Mirroring(client, { mutations: { pacer, client, attempts: 3, clock } });
    await expect(mirroring.createSession(plan)).rejects.toMatchObject({ kind: 'throttled' });
    expect(ec2Mock.commandCalls(CreateTrafficMirrorSessionCommand)).toHaveLength(3);

    ec2Mock.reset();
    ec2Mock.on(CreateTrafficMirrorSessionCommand).rejects(awsError('NetworkInterfaceNotSupported'));
    pacer.events.length = 0;
    await expect(mirroring.createSession(plan)).rejects.toMatchObject({ kind: 'eni-not-supported' });
    expect(pacer.events).toEqual(['acquire', 'succeeded']);
  });
});
