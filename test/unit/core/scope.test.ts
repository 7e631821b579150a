import { describe, expect, it } from 'vitest';
import { parseTaskStateChangeEvent } from '../../../src/core/event.js';
import { ALL_IN_SCOPE, checkScope, type ScopeConfig } from '../../../src/core/scope.js';
import { loadEvent, makeTask } from './fixtures.js';

const scope = (overrides: Partial<ScopeConfig>): ScopeConfig => ({ ...ALL_IN_SCOPE, ...overrides });

describe('checkScope', () => {
  it('puts every task in scope when nothing is configured', () => {
    const tasks = ['fargate-running.json', 'ec2-awsvpc-running.json', 'standalone-task-running.json', 'old-arn-format.json'].map((name) =>
      parseTaskStateChangeEvent(loadEvent(name)),
    );

    const decisions = tasks.map((task) => checkScope(task, ALL_IN_SCOPE));

    expect(decisions).toEqual(tasks.map(() => ({ inScope: true })));
  });

  describe('clusters', () => {
    const task = makeTask('t1', { clusterName: 'prod' });

    it.each([
      ['a name', 'prod'],
      ['the ARN', 'arn:aws:ecs:eu-central-1:123456789012:cluster/prod'],
    ])('matches %s among other entries', (_label, entry) => {
      expect(checkScope(task, scope({ clusters: ['staging', entry] }))).toEqual({ inScope: true });
    });

    it('excludes another cluster and names it', () => {
      expect(checkScope(task, scope({ clusters: ['staging'] }))).toEqual({ inScope: false, reason: "cluster 'prod' is not in MIRROR_CLUSTERS" });
    });

    it.each([
      ['another account', 'arn:aws:ecs:eu-central-1:999999999999:cluster/prod'],
      ['another region', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'],
    ])('does not match an ARN of the same name in %s', (_label, entry) => {
      expect(checkScope(task, scope({ clusters: [entry] })).inScope).toBe(false);
    });

    it('matches the cluster of an old-format task ARN by its cluster ARN', () => {
      const legacy = parseTaskStateChangeEvent(loadEvent('old-arn-format.json'));

      expect(checkScope(legacy, scope({ clusters: ['legacy'] }))).toEqual({ inScope: true });
    });
  });

  describe('launch types', () => {
    it('compares case-insensitively', () => {
      const task = makeTask('t1', { launchType: 'FARGATE' });

      expect(checkScope(task, scope({ launchTypes: ['fargate'] }))).toEqual({ inScope: true });
    });

    it('excludes another launch type', () => {
      const task = parseTaskStateChangeEvent(loadEvent('ec2-awsvpc-running.json'));

      expect(checkScope(task, scope({ launchTypes: ['FARGATE'] }))).toEqual({ inScope: false, reason: "launch type 'EC2' is not in MIRROR_LAUNCH_TYPES" });
    });

    it('excludes a task whose launch type is unknown', () => {
      const { launchType: _omitted, ...task } = makeTask('t1');

      expect(checkScope(task, scope({ launchTypes: ['FARGATE'] })).inScope).toBe(false);
    });
  });

  describe('services', () => {
    it('matches by service name', () => {
      const task = parseTaskStateChangeEvent(loadEvent('fargate-running.json'));

      expect(checkScope(task, scope({ services: ['web'] }))).toEqual({ inScope: true });
    });

    it('excludes another service', () => {
      const task = parseTaskStateChangeEvent(loadEvent('fargate-activating.json'));

      expect(checkScope(task, scope({ services: ['web'] }))).toEqual({ inScope: false, reason: "service 'api' is not in MIRROR_SERVICES" });
    });

    it('excludes a standalone task, saying why', () => {
      const task = parseTaskStateChangeEvent(loadEvent('standalone-task-running.json'));

      const decision = checkScope(task, scope({ services: ['web'] }));

      expect(decision).toEqual({ inScope: false, reason: "task is not part of a service (group 'family:batch-job') and MIRROR_SERVICES is set" });
    });
  });

  describe('families', () => {
    it('matches a standalone task by the family in its group', () => {
      const task = parseTaskStateChangeEvent(loadEvent('standalone-task-running.json'));

      expect(checkScope(task, scope({ families: ['batch-job'] }))).toEqual({ inScope: true });
    });

    it('matches a service task by the family of its task definition', () => {
      const task = parseTaskStateChangeEvent(loadEvent('fargate-running.json'));

      expect(checkScope(task, scope({ families: ['web'] }))).toEqual({ inScope: true });
    });

    it('excludes another family', () => {
      const task = parseTaskStateChangeEvent(loadEvent('standalone-task-running.json'));

      expect(checkScope(task, scope({ families: ['web'] }))).toEqual({ inScope: false, reason: "family 'batch-job' is not in MIRROR_FAMILIES" });
    });

    it('excludes a task whose family is unknown', () => {
      const { family: _omitted, ...task } = makeTask('t1');

      expect(checkScope(task, scope({ families: ['web'] })).inScope).toBe(false);
    });
  });

  describe('required tags', () => {
    it('needs every required tag with its value', () => {
      const task = makeTask('t1', { tags: { team: 'payments', env: 'prod', other: 'x' } });

      expect(checkScope(task, scope({ requiredTags: { team: 'payments', env: 'prod' } }))).toEqual({ inScope: true });
    });

    it('excludes a task that lacks a tag', () => {
      const task = makeTask('t1', { tags: { team: 'payments' } });

      expect(checkScope(task, scope({ requiredTags: { team: 'payments', env: 'prod' } }))).toEqual({
        inScope: false,
        reason: "task lacks the required tag 'env=prod'",
      });
    });

    it('excludes a task whose tag has another value', () => {
      const task = makeTask('t1', { tags: { env: 'staging' } });

      expect(checkScope(task, scope({ requiredTags: { env: 'prod' } }))).toEqual({ inScope: false, reason: "tag 'env' is 'staging', not the required 'prod'" });
    });

    it('excludes an event task, which carries no tags', () => {
      const task = parseTaskStateChangeEvent(loadEvent('fargate-running.json'));

      expect(checkScope(task, scope({ requiredTags: { env: 'prod' } })).inScope).toBe(false);
    });

    it('does not take inherited properties for tags', () => {
      const task = makeTask('t1', { tags: {} });

      expect(checkScope(task, scope({ requiredTags: { toString: 'x' } })).inScope).toBe(false);
    });
  });

  it('reports the cluster before anything narrower', () => {
    const task = makeTask('t1', { clusterName: 'prod', launchType: 'EC2', serviceName: 'api' });

    const decision = checkScope(task, scope({ clusters: ['staging'], launchTypes: ['FARGATE'], services: ['web'] }));

    expect(decision).toEqual({ inScope: false, reason: "cluster 'prod' is not in MIRROR_CLUSTERS" });
  });

  it('needs every configured dimension to match', () => {
    const task = makeTask('t1', { clusterName: 'prod', launchType: 'FARGATE', serviceName: 'web', family: 'web' });

    const decision = checkScope(task, scope({ clusters: ['prod'], launchTypes: ['FARGATE'], services: ['web'], families: ['other'] }));

    expect(decision).toEqual({ inScope: false, reason: "family 'web' is not in MIRROR_FAMILIES" });
  });
});
