import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { isEcsTaskStateChangeEnvelope, parseTaskDetail, parseTaskStateChangeEvent } from '../../../src/core/event.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { detailOf, EVENT_FIXTURES, loadEvent } from './fixtures.js';

const PREFIX = 'arn:aws:ecs:eu-central-1:123456789012';

function parseError(act: () => unknown): InvalidEventError {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError, but parsing succeeded');
}

describe('parseTaskStateChangeEvent on captured event shapes', () => {
  const expectations: Record<string, Partial<TaskSnapshot>> = {
    'fargate-provisioning.json': {
      taskId: '5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70',
      clusterName: 'prod',
      lastStatus: 'PROVISIONING',
      version: 1,
      enis: [{ attachmentId: 'a7e3c1d2-9b84-4f6e-8d2c-0e1f2a3b4c5d', status: 'PRECREATED', subnetId: 'subnet-0f1e2d3c4b5a69788' }],
    },
    'fargate-pending.json': {
      lastStatus: 'PENDING',
      version: 2,
      enis: [
        {
          attachmentId: 'a7e3c1d2-9b84-4f6e-8d2c-0e1f2a3b4c5d',
          status: 'ATTACHED',
          networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
          subnetId: 'subnet-0f1e2d3c4b5a69788',
          privateIPv4Address: '10.20.1.37',
          macAddress: '02:4f:8e:1a:2b:3c',
        },
      ],
    },
    'fargate-activating.json': { lastStatus: 'ACTIVATING', serviceName: 'api', family: 'api', version: 3 },
    'fargate-running.json': {
      taskArn: `${PREFIX}:task/prod/5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70`,
      taskId: '5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70',
      clusterArn: `${PREFIX}:cluster/prod`,
      clusterName: 'prod',
      lastStatus: 'RUNNING',
      desiredStatus: 'RUNNING',
      launchType: 'FARGATE',
      group: 'service:web',
      serviceName: 'web',
      family: 'web',
      taskDefinitionArn: `${PREFIX}:task-definition/web:17`,
      availabilityZone: 'eu-central-1a',
      version: 3,
      tags: {},
    },
    'fargate-stopped.json': {
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      version: 7,
      stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/4730617396412585872)',
      stoppedAt: '2025-03-15T02:04:41.239Z',
    },
    'old-arn-format.json': {
      taskArn: `${PREFIX}:task/0b69d5c0-d655-4695-98cd-5d2d526d9d5a`,
      taskId: '0b69d5c0-d655-4695-98cd-5d2d526d9d5a',
      clusterName: 'legacy',
      serviceName: 'legacy-api',
    },
    'several-enis.json': { launchType: 'EC2', clusterName: 'batch' },
    'ebs-and-service-connect.json': { serviceName: 'ledger', family: 'ledger' },
    'ec2-awsvpc-running.json': { launchType: 'EC2', clusterName: 'orders-ec2', serviceName: 'orders', family: 'orders', version: 2 },
    'standalone-task-running.json': { group: 'family:batch-job', family: 'batch-job', taskDefinitionArn: `${PREFIX}:task-definition/batch-job:8` },
  };

  it('has an expectation for every fixture file', () => {
    expect(Object.keys(expectations).sort()).toEqual([...EVENT_FIXTURES]);
  });

  it.each(EVENT_FIXTURES)('parses %s', (name) => {
    const event = loadEvent(name);

    const task = parseTaskStateChangeEvent(event);

    expect(task).toMatchObject(expectations[name] ?? {});
    expect(task.taskArn).toBe(detailOf(event)['taskArn']);
    expect(task.tags).toEqual({});
  });

  it('takes the task id from the last ARN segment in both ARN formats', () => {
    const oldFormat = parseTaskStateChangeEvent(loadEvent('old-arn-format.json'));
    const newFormat = parseTaskStateChangeEvent(loadEvent('fargate-running.json'));

    expect(oldFormat.taskId).toBe('0b69d5c0-d655-4695-98cd-5d2d526d9d5a');
    expect(newFormat.taskId).toBe('5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70');
  });

  it('uses detail.clusterArn, not resources[0], for the cluster', () => {
    const event = loadEvent('old-arn-format.json');
    event['resources'] = [`${PREFIX}:task/somewhere-else/abc`];

    const task = parseTaskStateChangeEvent(event);

    expect(task.clusterName).toBe('legacy');
    expect(task.clusterArn).toBe(`${PREFIX}:cluster/legacy`);
  });

  it('returns every ENI of a task with several', () => {
    const task = parseTaskStateChangeEvent(loadEvent('several-enis.json'));

    expect(task.enis.map((eni) => eni.networkInterfaceId)).toEqual(['eni-0d4e5f60718293a4b', 'eni-0e5f60718293a4b5c']);
    expect(task.enis.every((eni) => eni.status === 'ATTACHED')).toBe(true);
  });

  it('ignores EBS and Service Connect attachments', () => {
    const task = parseTaskStateChangeEvent(loadEvent('ebs-and-service-connect.json'));

    expect(task.enis).toHaveLength(1);
    expect(task.enis[0]?.networkInterfaceId).toBe('eni-0f60718293a4b5c6d');
  });

  it('does not validate non-ENI attachments beyond their type', () => {
    const event = loadEvent('ebs-and-service-connect.json');
    const attachments = detailOf(event)['attachments'] as Record<string, unknown>[];
    attachments[1] = { type: 'AmazonElasticBlockStorage', details: 'not a list', status: 42 };

    const task = parseTaskStateChangeEvent(event);

    expect(task.enis).toHaveLength(1);
  });

  it('leaves networkInterfaceId out of a PRECREATED ENI', () => {
    const task = parseTaskStateChangeEvent(loadEvent('fargate-provisioning.json'));

    expect(task.enis[0]).not.toHaveProperty('networkInterfaceId');
  });

  it('tolerates unknown fields at every level', () => {
    const event = loadEvent('fargate-running.json');
    event['newEnvelopeField'] = { nested: [1, 2] };
    const detail = detailOf(event);
    detail['brandNewField'] = 'x';
    const attachment = (detail['attachments'] as Record<string, unknown>[])[0] ?? {};
    attachment['futureField'] = true;
    (attachment['details'] as unknown[]).push({ name: 'ipv6Address', value: '2a05:d014::1', extra: 1 });

    const task = parseTaskStateChangeEvent(event);

    expect(task.enis[0]?.networkInterfaceId).toBe('eni-0a1b2c3d4e5f60718');
  });

  it('takes the family from the task definition ARN when the group is absent', () => {
    const event = loadEvent('standalone-task-running.json');
    delete detailOf(event)['group'];

    const task = parseTaskStateChangeEvent(event);

    expect(task.family).toBe('batch-job');
    expect(task).not.toHaveProperty('serviceName');
    expect(task).not.toHaveProperty('group');
  });

  it('has no service name for a standalone task', () => {
    const task = parseTaskStateChangeEvent(loadEvent('standalone-task-running.json'));

    expect(task).not.toHaveProperty('serviceName');
  });
});

describe('parseTaskStateChangeEvent rejects what is not a task state change', () => {
  it.each([
    ['null', null, 'not an ECS Task State Change event: expected an object, got null'],
    ['an array', [], 'not an ECS Task State Change event: expected an object, got an array'],
    ['a string', 'hello', "not an ECS Task State Change event: expected an object, got 'hello'"],
    ['a number', 7, 'not an ECS Task State Change event: expected an object, got number 7'],
  ])('%s', (_label, input, message) => {
    const error = parseError(() => parseTaskStateChangeEvent(input));

    expect(error.message).toBe(message);
  });

  it('names another source', () => {
    const event = { ...loadEvent('fargate-running.json'), source: 'aws.ec2' };

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe("not an ECS Task State Change event: source is 'aws.ec2'");
  });

  it('says when the source is missing', () => {
    const event = loadEvent('fargate-running.json');
    delete event['source'];

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe('not an ECS Task State Change event: source is missing');
  });

  it('names another detail-type', () => {
    const event = { ...loadEvent('fargate-running.json'), 'detail-type': 'ECS Container Instance State Change' };

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe(
      "not an ECS Task State Change event: detail-type is 'ECS Container Instance State Change'",
    );
  });

  it.each([
    ['missing', undefined, 'detail is missing'],
    ['a string', 'x', "detail must be an object, got 'x'"],
    ['an array', [], 'detail must be an object, got an array'],
  ])('says when detail is %s', (_label, detail, message) => {
    const event = { ...loadEvent('fargate-running.json'), detail };

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe(message);
  });

  it('keeps a message on one line even when the input has line breaks', () => {
    const event = { ...loadEvent('fargate-running.json'), source: 'aws.ecs\nsomething' };

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).not.toContain('\n');
  });
});

describe('parseTaskStateChangeEvent names the bad field', () => {
  it.each([
    ['taskArn', undefined, 'detail.taskArn is missing'],
    ['taskArn', 42, 'detail.taskArn must be a string, got number 42'],
    ['taskArn', `${PREFIX}:service/prod/web`, 'detail.taskArn is not an ECS task ARN'],
    ['taskArn', `${PREFIX}:task/`, 'detail.taskArn is not an ECS task ARN'],
    ['clusterArn', undefined, 'detail.clusterArn is missing'],
    ['clusterArn', 'prod', 'detail.clusterArn is not an ECS cluster ARN'],
    ['lastStatus', undefined, 'detail.lastStatus is missing'],
    ['lastStatus', '', 'detail.lastStatus is empty'],
    ['version', 'three', "detail.version must be a number, got 'three'"],
    ['version', 1.5, 'detail.version must be a whole number'],
    ['version', -1, 'detail.version must not be negative'],
    ['attachments', {}, 'detail.attachments must be an array'],
    ['launchType', false, 'detail.launchType must be a string, got boolean false'],
    ['stoppedAt', 'yesterday', 'detail.stoppedAt is not a valid timestamp'],
    ['stoppedAt', { when: 1 }, 'detail.stoppedAt must be an ISO timestamp, a Date or an epoch number'],
  ])('%s = %j', (field, value, message) => {
    const event = loadEvent('fargate-running.json');
    const detail = detailOf(event);
    if (value === undefined) delete detail[field];
    else detail[field] = value;

    const error = parseError(() => parseTaskStateChangeEvent(event));

    expect(error.message).toContain(message);
    expect(error.issues.length).toBeGreaterThan(0);
  });

  it.each([
    ['id', 'detail.attachments[0].id is missing'],
    ['status', 'detail.attachments[0].status is missing'],
  ])('an ENI attachment without %s', (field, message) => {
    const event = loadEvent('fargate-running.json');
    const attachment = (detailOf(event)['attachments'] as Record<string, unknown>[])[0] ?? {};
    delete attachment[field];

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe(message);
  });

  it('an attachment without a type', () => {
    const event = loadEvent('ebs-and-service-connect.json');
    const attachment = (detailOf(event)['attachments'] as Record<string, unknown>[])[2] ?? {};
    delete attachment['type'];

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe('detail.attachments[2].type is missing');
  });

  it('an ENI detail value that is not a string', () => {
    const event = loadEvent('fargate-running.json');
    const attachment = (detailOf(event)['attachments'] as Record<string, unknown>[])[0] ?? {};
    attachment['details'] = [{ name: 'networkInterfaceId', value: 7 }];

    expect(parseError(() => parseTaskStateChangeEvent(event)).message).toBe(
      'detail.attachments[0].details[0].value must be a string, got number 7',
    );
  });

  it('reports every problem in issues and counts the rest in the message', () => {
    const event = loadEvent('fargate-running.json');
    const detail = detailOf(event);
    delete detail['taskArn'];
    delete detail['clusterArn'];

    const error = parseError(() => parseTaskStateChangeEvent(event));

    expect(error.message).toBe('detail.taskArn is missing (and 1 more problem)');
    expect(error.issues).toEqual(['detail.taskArn is missing', 'detail.clusterArn is missing']);
  });
});

/** A DescribeTasks Task as the AWS SDK returns it, with Date objects and the long attachment type. */
function describeTasksTask(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskArn: `${PREFIX}:task/prod/5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70`,
    clusterArn: `${PREFIX}:cluster/prod`,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE',
    group: 'service:web',
    taskDefinitionArn: `${PREFIX}:task-definition/web:17`,
    createdAt: new Date('2025-03-14T09:26:53.108Z'),
    attachments: [
      {
        id: 'a7e3c1d2-9b84-4f6e-8d2c-0e1f2a3b4c5d',
        type: 'ElasticNetworkInterface',
        status: 'ATTACHED',
        details: [
          { name: 'subnetId', value: 'subnet-0f1e2d3c4b5a69788' },
          { name: 'networkInterfaceId', value: 'eni-0a1b2c3d4e5f60718' },
        ],
      },
    ],
    tags: [
      { key: 'team', value: 'payments' },
      { key: 'mirror', value: 'yes' },
    ],
    ...overrides,
  };
}

describe('parseTaskDetail on DescribeTasks tasks', () => {
  it('accepts the ElasticNetworkInterface attachment type', () => {
    const task = parseTaskDetail(describeTasksTask());

    expect(task.enis).toEqual([
      {
        attachmentId: 'a7e3c1d2-9b84-4f6e-8d2c-0e1f2a3b4c5d',
        status: 'ATTACHED',
        networkInterfaceId: 'eni-0a1b2c3d4e5f60718',
        subnetId: 'subnet-0f1e2d3c4b5a69788',
      },
    ]);
  });

  it('reads tags from key/value pairs', () => {
    const task = parseTaskDetail(describeTasksTask());

    expect(task.tags).toEqual({ team: 'payments', mirror: 'yes' });
  });

  it('keeps a tag named __proto__ as a tag', () => {
    const task = parseTaskDetail(describeTasksTask({ tags: [{ key: '__proto__', value: 'x' }] }));

    expect(Object.keys(task.tags)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(task.tags)).toBe(Object.prototype);
  });

  it('defaults a missing version to 0', () => {
    const task = parseTaskDetail(describeTasksTask());

    expect(task.version).toBe(0);
  });

  it.each([
    ['an ISO string', '2025-03-15T02:04:41.239Z'],
    ['a Date', new Date('2025-03-15T02:04:41.239Z')],
    ['epoch milliseconds', 1742004281239],
    ['epoch seconds (AWS CLI, boto3)', 1742004281.239],
  ])('normalizes stoppedAt given as %s', (_label, stoppedAt) => {
    const task = parseTaskDetail(describeTasksTask({ lastStatus: 'STOPPED', stoppedAt }));

    expect(task.stoppedAt).toBe('2025-03-15T02:04:41.239Z');
  });

  it.each([new Date(Number.NaN), 1e300, Number.POSITIVE_INFINITY])('rejects the unusable timestamp %s', (stoppedAt) => {
    const error = parseError(() => parseTaskDetail(describeTasksTask({ stoppedAt })));

    expect(error.message).toMatch(/^detail\.stoppedAt /);
  });

  it('treats null optional fields as absent', () => {
    const task = parseTaskDetail(describeTasksTask({ group: null, stoppedReason: null, tags: null }));

    expect(task).not.toHaveProperty('group');
    expect(task).not.toHaveProperty('stoppedReason');
    expect(task.tags).toEqual({});
  });

  it('names the object with the given label', () => {
    const error = parseError(() => parseTaskDetail(describeTasksTask({ taskArn: undefined }), 'task'));

    expect(error.message).toBe('task.taskArn is missing');
  });

  it('matches the attachment type case-insensitively', () => {
    const attachments = [{ id: 'att-1', type: 'ENI', status: 'ATTACHED', details: [{ name: 'networkInterfaceId', value: 'eni-1' }] }];

    const task = parseTaskDetail(describeTasksTask({ attachments }));

    expect(task.enis.map((eni) => eni.networkInterfaceId)).toEqual(['eni-1']);
  });
});

describe('isEcsTaskStateChangeEnvelope', () => {
  it.each(EVENT_FIXTURES)('is true for %s', (name) => {
    expect(isEcsTaskStateChangeEnvelope(loadEvent(name))).toBe(true);
  });

  it.each([
    ['null', null],
    ['an array', [loadEvent('fargate-running.json')]],
    ['another source', { ...loadEvent('fargate-running.json'), source: 'aws.ec2' }],
    ['another detail type', { ...loadEvent('fargate-running.json'), 'detail-type': 'ECS Service Action' }],
    ['a detail that is not an object', { ...loadEvent('fargate-running.json'), detail: 'x' }],
  ])('is false for %s', (_label, input) => {
    expect(isEcsTaskStateChangeEnvelope(input)).toBe(false);
  });
});
