import { describe, expect, it } from 'vitest';
import { parseRules } from '../../../src/config/rules-file.js';
import { doorReadFailureOf, type DoorReadFailures } from '../../../src/core/door.js';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { ruleFor } from '../../../src/core/rules.js';
import type { SessionOptions } from '../../../src/core/plan.js';
import { taskEvent } from '../../support/task-events.js';
import { attachedEni, makeTask } from './fixtures.js';

const OPTIONS: SessionOptions = { targetId: 'tmt-0123456789abcdef0', filterId: 'tmf-0123456789abcdef0', sessionNumber: 1 };
const CI = 'arn:aws:ecs:eu-central-1:123456789012:container-instance/prod/ci1';

describe('Managed Instances tasks in the core', () => {
  it('parses a MANAGED_INSTANCES event with its container instance (capacityProviderName tolerated)', () => {
    const event = taskEvent({ launchType: 'MANAGED_INSTANCES' });
    const detail = { ...(event['detail'] as Record<string, unknown>), containerInstanceArn: CI, capacityProviderName: 'mi' };
    expect(parseTaskStateChangeEvent({ ...event, detail })).toMatchObject({ launchType: 'MANAGED_INSTANCES', containerInstanceArn: CI });
  });

  it('lets a rule match launch type MANAGED_INSTANCES, from a rules file', () => {
    const { rules, problems } = parseRules(JSON.stringify({ rules: [{ match: { launchTypes: ['MANAGED_INSTANCES'] }, mirror: false }] }), 'rules.json');
    expect(problems).toEqual([]);
    const managed = makeTask('t1', { launchType: 'MANAGED_INSTANCES', containerInstanceArn: CI, enis: [attachedEni('eni-1')] });
    const fargate = makeTask('t2', { launchType: 'FARGATE', enis: [attachedEni('eni-2')] });
    expect(ruleFor({ task: managed }, rules, OPTIONS).kind).toBe('excluded');
    expect(ruleFor({ task: fargate }, rules, OPTIONS).kind).toBe('mirror');
  });
});

describe('doorReadFailureOf', () => {
  const none: DoorReadFailures<string> = { containerInstances: new Map(), instances: new Map(), interfaceTypes: new Map() };
  const facts = { containerInstances: new Map([[CI, { containerInstanceArn: CI, ec2InstanceId: 'i-1', status: 'ACTIVE' }]]) };
  const awsvpc = makeTask('t1', { launchType: 'MANAGED_INSTANCES', containerInstanceArn: CI, enis: [attachedEni('eni-1')] });
  const host = makeTask('t2', { launchType: 'MANAGED_INSTANCES', containerInstanceArn: CI, enis: [] });

  it('blames the read each task depends on, and only that one', () => {
    expect(doorReadFailureOf(awsvpc, facts, { ...none, interfaceTypes: new Map([['eni-1', 'types']]) })).toBe('types');
    expect(doorReadFailureOf(host, facts, { ...none, interfaceTypes: new Map([['eni-1', 'types']]) })).toBeUndefined();
    expect(doorReadFailureOf(host, facts, { ...none, instances: new Map([['i-1', 'instances']]) })).toBe('instances');
    expect(doorReadFailureOf(awsvpc, facts, { ...none, instances: new Map([['i-1', 'instances']]) })).toBeUndefined();
    expect(doorReadFailureOf(host, facts, { ...none, containerInstances: new Map([[CI, 'described']]) })).toBe('described');
  });

  it('never blames a Fargate task: its door needs no read', () => {
    const fargate = makeTask('t3', { launchType: 'FARGATE', enis: [attachedEni('eni-1')] });
    expect(doorReadFailureOf(fargate, facts, { containerInstances: new Map([[CI, 'x']]), instances: new Map([['i-1', 'x']]), interfaceTypes: new Map([['eni-1', 'x']]) })).toBeUndefined();
  });
});
