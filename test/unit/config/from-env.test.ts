import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/from-env.js';
import { ConfigError } from '../../../src/core/errors.js';

const REQUIRED = { MIRROR_TARGET_ID: 'tmt-0123456789abcdef0', MIRROR_FILTER_ID: 'tmf-0123456789abcdef0' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('applies defaults', () => {
    const config = loadConfig(REQUIRED);
    expect(config.session).toEqual({ targetId: REQUIRED.MIRROR_TARGET_ID, filterId: REQUIRED.MIRROR_FILTER_ID, sessionNumber: 1 });
    expect(config.unsupported).toEqual({ policy: 'report', maxStopsPerService: 3, windowMinutes: 60 });
    expect(config.scope).toEqual({ clusters: [], services: [], families: [], launchTypes: [], requiredTags: {} });
    expect(config.createRatePerSecond).toBeUndefined();
  });

  it("accepts the seed's variable names as aliases", () => {
    const config = loadConfig({ TrafficMirrorTarget: 'tmt-08c911877e8e9c51c', TrafficMirrorFilter: 'tmf-011415269e9c93569' });
    expect(config.session.targetId).toBe('tmt-08c911877e8e9c51c');
    expect(config.session.filterId).toBe('tmf-011415269e9c93569');
  });

  it('names each missing variable on its own line', () => {
    expect(problemsOf({})).toEqual([
      expect.stringMatching(/^MIRROR_TARGET_ID is required.*alias TrafficMirrorTarget/),
      expect.stringMatching(/^MIRROR_FILTER_ID is required.*alias TrafficMirrorFilter/),
    ]);
  });

  it('rejects malformed values, naming the variable and the value', () => {
    const problems = problemsOf({
      MIRROR_TARGET_ID: 'tmf-0123456789abcdef0',
      MIRROR_FILTER_ID: REQUIRED.MIRROR_FILTER_ID,
      MIRROR_SESSION_NUMBER: '40000',
      MIRROR_PACKET_LENGTH: '1.5',
      MIRROR_UNSUPPORTED_POLICY: 'kill',
      MIRROR_LAUNCH_TYPES: 'fargate,LAMBDA',
      MIRROR_CREATE_RATE: 'fast',
    });
    expect(problems).toEqual([
      "MIRROR_TARGET_ID: 'tmf-0123456789abcdef0' is not a traffic mirror target id like tmt-0123456789abcdef0",
      "MIRROR_SESSION_NUMBER: '40000' is not a whole number from 1 to 32766",
      "MIRROR_PACKET_LENGTH: '1.5' is not a whole number from 1 to 8500",
      "MIRROR_LAUNCH_TYPES: 'LAMBDA' is not one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES",
      "MIRROR_UNSUPPORTED_POLICY: 'kill' is not one of report, stop-task",
      "MIRROR_CREATE_RATE: 'fast' is not a number from 0.1 to 1000",
    ]);
  });

  it('refuses a variable and its alias that disagree', () => {
    expect(problemsOf({ ...REQUIRED, TrafficMirrorTarget: 'tmt-0ffffffffffffffff' })).toEqual([
      expect.stringContaining('MIRROR_TARGET_ID'),
    ]);
  });

  it('refuses a scope list that names nothing (a lone comma), which would silently mean all', () => {
    expect(() => loadConfig({ ...REQUIRED, MIRROR_SERVICES: ' , ' })).toThrow(/MIRROR_SERVICES: ',' names nothing/);
  });

  it('reads scope lists and session options', () => {
    const config = loadConfig({
      ...REQUIRED,
      MIRROR_CLUSTERS: ' prod , arn:aws:ecs:eu-central-1:123456789012:cluster/edge ,',
      MIRROR_LAUNCH_TYPES: 'fargate',
      MIRROR_VIRTUAL_NETWORK_ID: '0',
      MIRROR_PACKET_LENGTH: '128',
      MIRROR_CREATE_RATE: '2.5',
    });
    expect(config.scope.clusters).toEqual(['prod', 'arn:aws:ecs:eu-central-1:123456789012:cluster/edge']);
    expect(config.scope.launchTypes).toEqual(['FARGATE']);
    expect(config.session).toMatchObject({ virtualNetworkId: 0, packetLength: 128 });
    expect(config.createRatePerSecond).toBe(2.5);
  });

  it('gives every AWS call a connection and a request timeout, configurable in milliseconds', () => {
    expect(loadConfig(REQUIRED).awsTimeouts).toEqual({ connectMs: 3000, requestMs: 5000 });
    const config = loadConfig({ ...REQUIRED, MIRROR_AWS_CONNECT_TIMEOUT_MS: '250', MIRROR_AWS_REQUEST_TIMEOUT_MS: '1500' });
    expect(config.awsTimeouts).toEqual({ connectMs: 250, requestMs: 1500 });
    expect(problemsOf({ ...REQUIRED, MIRROR_AWS_CONNECT_TIMEOUT_MS: '0', MIRROR_AWS_REQUEST_TIMEOUT_MS: '2s' })).toEqual([
      "MIRROR_AWS_CONNECT_TIMEOUT_MS: '0' is not a whole number from 1 to 60000",
      "MIRROR_AWS_REQUEST_TIMEOUT_MS: '2s' is not a whole number from 1 to 900000",
    ]);
  });

  it.each(['0x10', '1e3', '0b1', '0o7', 'Infinity', '1_000', '+5', '.5', '5.', '1,5', '-'])("reads numbers in decimal only: MIRROR_CREATE_RATE='%s' is refused", (value) => {
    expect(problemsOf({ ...REQUIRED, MIRROR_CREATE_RATE: value })).toEqual([`MIRROR_CREATE_RATE: '${value}' is not a number from 0.1 to 1000`]);
  });

  it.each(['0x10', '1e3', '1.0', '+5', '0b1'])("reads whole numbers in decimal only: MIRROR_SESSION_NUMBER='%s' is refused", (value) => {
    expect(problemsOf({ ...REQUIRED, MIRROR_SESSION_NUMBER: value })).toEqual([`MIRROR_SESSION_NUMBER: '${value}' is not a whole number from 1 to 32766`]);
  });

  it('ignores spaces around a number, as around every value', () => {
    const config = loadConfig({ ...REQUIRED, MIRROR_CREATE_RATE: ' 16 ', MIRROR_SESSION_NUMBER: ' 5 ' });
    expect(config.createRatePerSecond).toBe(16);
    expect(config.session.sessionNumber).toBe(5);
  });
});

describe('loadConfig: scope names ECS could hold', () => {
  it.each([
    ['MIRROR_FAMILIES', 'api;worker', "MIRROR_FAMILIES: 'api;worker' is not a valid task definition family"],
    ['MIRROR_SERVICES', 'web api', "MIRROR_SERVICES: 'web api' is not a valid service name"],
    ['MIRROR_CLUSTERS', 'prod/eu', "MIRROR_CLUSTERS: 'prod/eu' is not a valid cluster name or cluster ARN"],
    ['MIRROR_CLUSTERS', 'x'.repeat(256), "MIRROR_CLUSTERS: 'xxxx"],
    ['MIRROR_FAMILIES', '"web"', `MIRROR_FAMILIES: '"web"' is not`],
  ])('refuses %s=%s, naming the variable and the value', (variable, value, expected) => {
    const problems = problemsOf({ ...REQUIRED, [variable]: value });
    expect(problems).toEqual([expect.stringContaining(expected)]);
  });

  it('accepts names of up to 255 letters, digits, hyphens and underscores, and cluster ARNs', () => {
    const config = loadConfig({
      ...REQUIRED,
      MIRROR_CLUSTERS: `prod_1,${'c'.repeat(255)},arn:aws:ecs:eu-central-1:123456789012:cluster/payments`,
      MIRROR_SERVICES: 'web-api,Worker_2',
      MIRROR_FAMILIES: 'web',
    });
    expect(config.scope.clusters).toHaveLength(3);
    expect(config.scope.services).toEqual(['web-api', 'Worker_2']);
  });

  it('reads the circuit breaker share, default 10, 0..100', () => {
    expect(loadConfig(REQUIRED).reconcileMaxDeletePercent).toBe(10);
    expect(loadConfig({ ...REQUIRED, MIRROR_RECONCILE_MAX_DELETE_PERCENT: '25' }).reconcileMaxDeletePercent).toBe(25);
    expect(problemsOf({ ...REQUIRED, MIRROR_RECONCILE_MAX_DELETE_PERCENT: '101' })).toEqual([expect.stringContaining('MIRROR_RECONCILE_MAX_DELETE_PERCENT')]);
  });
});
