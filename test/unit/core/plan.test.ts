import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { clientTokenFor, fitTagValue, MAX_TAG_VALUE, planSessionForEni, withGeneration, type SessionOptions } from '../../../src/core/plan.js';
import { CLUSTER_TAG, ENI_TAG, isManagedSession, isOurSession, MANAGED_TAG, TASK_ARN_TAG } from '../../../src/core/session.js';
import { loadEvent, makeTask } from './fixtures.js';

const OPTIONS: SessionOptions = { targetId: 'tmt-0123456789abcdef0', filterId: 'tmf-0123456789abcdef0', sessionNumber: 1 };
const ENI = 'eni-0a1b2c3d4e5f60718';

describe('planSessionForEni', () => {
  const task = parseTaskStateChangeEvent(loadEvent('fargate-running.json'));

  it('carries the ownership tag and what identifies the task', () => {
    const plan = planSessionForEni(task, ENI, OPTIONS);

    expect(plan.tags).toEqual({
      Name: 'ecs-traffic-mirror prod/5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70',
      [MANAGED_TAG]: 'true',
      [TASK_ARN_TAG]: task.taskArn,
      [CLUSTER_TAG]: 'prod',
      [ENI_TAG]: ENI,
    });
  });

  it('makes a session that counts as ours once created', () => {
    const plan = planSessionForEni(task, ENI, OPTIONS);
    const created = { sessionId: 'tms-1', networkInterfaceId: ENI, targetId: plan.targetId, filterId: plan.filterId, sessionNumber: 1, tags: plan.tags };

    expect(isManagedSession(created)).toBe(true);
    expect(isOurSession(created, OPTIONS.targetId)).toBe(true);
  });

  it('keeps extra tags but never lets them override ours', () => {
    const plan = planSessionForEni(task, ENI, { ...OPTIONS, extraTags: { CostCenter: 'net-42', [MANAGED_TAG]: 'false', Name: 'mine' } });

    expect(plan.tags['CostCenter']).toBe('net-42');
    expect(plan.tags[MANAGED_TAG]).toBe('true');
    expect(plan.tags['Name']).toBe('ecs-traffic-mirror prod/5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70');
  });

  it('copies the session shape from the options', () => {
    const plan = planSessionForEni(task, ENI, { ...OPTIONS, sessionNumber: 7, virtualNetworkId: 4242, packetLength: 128 });

    expect(plan).toMatchObject({ networkInterfaceId: ENI, targetId: OPTIONS.targetId, filterId: OPTIONS.filterId, sessionNumber: 7, virtualNetworkId: 4242, packetLength: 128 });
  });

  it('leaves out the VNI and packet length when they are not configured', () => {
    const plan = planSessionForEni(task, ENI, OPTIONS);

    expect(plan).not.toHaveProperty('virtualNetworkId');
    expect(plan).not.toHaveProperty('packetLength');
  });

  it('caps the description at 255 characters', () => {
    const longTask = makeTask('x'.repeat(300), { clusterName: 'c'.repeat(255) });

    const plan = planSessionForEni(longTask, ENI, OPTIONS);

    expect(plan.description.length).toBe(255);
  });

  it('keeps every tag value within 256 characters for a 255-character cluster name, the task id at the end', () => {
    const clusterName = 'c'.repeat(255);
    const taskId = '5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70';
    const longTask = makeTask(taskId, { clusterName });

    const plan = planSessionForEni(longTask, ENI, OPTIONS);

    for (const value of Object.values(plan.tags)) expect([...value].length).toBeLessThanOrEqual(MAX_TAG_VALUE);
    expect(plan.tags[CLUSTER_TAG]).toBe(clusterName);
    expect(plan.tags[TASK_ARN_TAG]).toMatch(new RegExp(`^arn:aws:ecs:.*…c*/${taskId}$`));
    expect(plan.tags['Name']).toMatch(new RegExp(`^ecs-traffic-mirror c+…c*/${taskId}$`));
  });

  it('leaves tag values that fit untouched', () => {
    expect(fitTagValue('x'.repeat(256))).toBe('x'.repeat(256));
    expect([...fitTagValue('x'.repeat(257))]).toHaveLength(256);
    fc.assert(fc.property(fc.string({ maxLength: 600 }), (value) => [...fitTagValue(value)].length <= MAX_TAG_VALUE));
  });

  it('describes the task and ENI', () => {
    const plan = planSessionForEni(task, ENI, OPTIONS);

    expect(plan.description).toBe(`Mirror of ECS task prod/5c2f0e9a8b7d4c3e9f1a2b3c4d5e6f70 (${ENI}) by ecs-traffic-mirror`);
  });

  it('does not depend on which task state the ENI was seen in', () => {
    const pending = parseTaskStateChangeEvent(loadEvent('fargate-pending.json'));

    expect(planSessionForEni(pending, ENI, OPTIONS)).toEqual(planSessionForEni(task, ENI, OPTIONS));
  });
});

describe('clientTokenFor', () => {
  it('is the same for the same ENI and options', () => {
    expect(clientTokenFor(ENI, { ...OPTIONS })).toBe(clientTokenFor(ENI, OPTIONS));
  });

  it.each<[string, string, SessionOptions, number]>([
    ['ENI', 'eni-0ffffffffffffffff', OPTIONS, 0],
    ['target', ENI, { ...OPTIONS, targetId: 'tmt-0fedcba9876543210' }, 0],
    ['filter', ENI, { ...OPTIONS, filterId: 'tmf-0fedcba9876543210' }, 0],
    ['session number', ENI, { ...OPTIONS, sessionNumber: 2 }, 0],
    ['VNI', ENI, { ...OPTIONS, virtualNetworkId: 1 }, 0],
    ['packet length', ENI, { ...OPTIONS, packetLength: 100 }, 0],
    ['generation', ENI, OPTIONS, 1],
  ])('differs by %s', (_label, eni, options, generation) => {
    expect(clientTokenFor(eni, options, generation)).not.toBe(clientTokenFor(ENI, OPTIONS, 0));
  });

  it('is printable ASCII of at most 64 characters for any input', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.integer({ min: 1, max: 32766 }), fc.nat(), (eni, targetId, filterId, sessionNumber, generation) => {
        const token = clientTokenFor(eni, { targetId, filterId, sessionNumber }, generation);

        expect(token.length).toBeLessThanOrEqual(64);
        expect(token).toMatch(/^[\x21-\x7e]+$/);
      }),
      { numRuns: 500 },
    );
  });

  it('is what planSessionForEni uses', () => {
    const plan = planSessionForEni(makeTask('t1'), ENI, OPTIONS);

    expect(plan.clientToken).toBe(clientTokenFor(ENI, OPTIONS));
  });
});

describe('withGeneration', () => {
  it('changes only the token', () => {
    const plan = planSessionForEni(makeTask('t1'), ENI, OPTIONS);

    const next = withGeneration(plan, 1);

    expect(next.clientToken).toBe(clientTokenFor(ENI, OPTIONS, 1));
    expect(next.clientToken).not.toBe(plan.clientToken);
    expect({ ...next, clientToken: plan.clientToken }).toEqual(plan);
  });
});
