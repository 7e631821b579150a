import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { readAppConfig } from '../../infra/app-config.js';
import { EcsTrafficMirrorConfigError } from '../../infra/config-error.js';
import { INFORMATIONAL_METRICS } from '../../infra/mirror-monitoring.js';
import { METRIC_NAMES } from '../../src/contract/metrics.js';
import { FILTER_ID, REPO_ROOT, TARGET_ID } from './helpers.js';

const run = promisify(execFile);

// Offline and quiet: no version check, no telemetry, no instance-metadata credential probing.
const OFFLINE_ENV = {
  ...process.env,
  CDK_DISABLE_VERSION_CHECK: 'true',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
  AWS_EC2_METADATA_DISABLED: 'true',
};

function context(values: Record<string, unknown>) {
  return (key: string) => values[key];
}

describe('app context', () => {
  it('requires targetId and filterId, naming what is missing in one line', () => {
    expect(() => readAppConfig(context({}))).toThrowError(
      new EcsTrafficMirrorConfigError(
        'missing context targetId and filterId: run npx cdk deploy -c targetId=tmt-… -c filterId=tmf-… [-c clusters=a,b] (see docs/deploy.md)',
      ),
    );
    expect(() => readAppConfig(context({ targetId: TARGET_ID }))).toThrowError(/^missing context filterId:/);
  });

  it('reads lists, numbers, the policy, the schedule and nag from -c strings', () => {
    const config = readAppConfig(
      context({
        targetId: TARGET_ID,
        filterId: FILTER_ID,
        clusters: 'prod, batch,',
        launchTypes: 'fargate',
        unsupportedPolicy: 'stop-task',
        sessionNumber: '5',
        reconcileMinutes: '0',
        stopWindowMinutes: '15',
        nag: 'true',
        alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      }),
    );
    expect(config).toMatchObject({
      stackName: 'EcsTrafficMirror',
      nag: true,
      alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops',
      mirror: {
        targetId: TARGET_ID,
        filterId: FILTER_ID,
        clusters: ['prod', 'batch'],
        launchTypes: ['FARGATE'],
        unsupportedPolicy: 'stop-task',
        sessionNumber: 5,
        reconcileSchedule: false,
      },
    });
    expect(config.mirror.stopWindow?.toMinutes()).toBe(15);
  });

  it('reads the alarm email and the mirrorable subnets and VPCs', () => {
    const config = readAppConfig(
      context({ targetId: TARGET_ID, filterId: FILTER_ID, alarmEmail: 'oncall@example.com', sourceSubnetIds: 'subnet-0123456789abcdef0,subnet-0123456789abcdef1', sourceVpcIds: 'vpc-0123456789abcdef0' }),
    );
    expect(config.mirror).toMatchObject({
      alarmEmail: 'oncall@example.com',
      sourceSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
      sourceVpcIds: ['vpc-0123456789abcdef0'],
    });
  });

  it('accepts JSON values from cdk.json too', () => {
    const config = readAppConfig(context({ targetId: TARGET_ID, filterId: FILTER_ID, clusters: ['a', 'b'], sessionNumber: 2, nag: false }));
    expect(config.mirror.clusters).toEqual(['a', 'b']);
    expect(config.mirror.sessionNumber).toBe(2);
    expect(config.nag).toBe(false);
  });

  it('rejects malformed values, naming the key', () => {
    expect(() => readAppConfig(context({ targetId: TARGET_ID, filterId: FILTER_ID, unsupportedPolicy: 'kill' }))).toThrowError(
      /^context unsupportedPolicy: must be 'report' or 'stop-task'/,
    );
    expect(() => readAppConfig(context({ targetId: TARGET_ID, filterId: FILTER_ID, sessionNumber: 'one' }))).toThrowError(
      /^context sessionNumber: expected a whole number/,
    );
    expect(() => readAppConfig(context({ targetId: TARGET_ID, filterId: FILTER_ID, nag: 'yes' }))).toThrowError(/^context nag:/);
  });

  it('infra/app.ts without context exits 1 with one line on stderr', async () => {
    const result = await run(join(REPO_ROOT, 'node_modules/.bin/tsx'), ['infra/app.ts'], {
      cwd: REPO_ROOT,
      env: { ...OFFLINE_ENV, CDK_CONTEXT_JSON: '{}', CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'etm-app-')) },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'ecs-traffic-mirror: missing context targetId and filterId: run npx cdk deploy -c targetId=tmt-… -c filterId=tmf-… [-c clusters=a,b] (see docs/deploy.md)',
    ]);
  });
});

describe('npx cdk synth (CLI, offline)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'etm-synth-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it(
    'synthesizes the app (with cdk-nag on) to a template with the expected resources, and bundles that load',
    async () => {
      const started = Date.now();
      await run(
        'npx',
        ['cdk', 'synth', '-c', `targetId=${TARGET_ID}`, '-c', `filterId=${FILTER_ID}`, '-c', 'nag=true', '--quiet', '--no-notices', '-o', outdir],
        { cwd: REPO_ROOT, env: OFFLINE_ENV, timeout: 280_000 },
      );
      console.info(`cdk synth took ${((Date.now() - started) / 1000).toFixed(1)} s`);

      const template = JSON.parse(readFileSync(join(outdir, 'EcsTrafficMirror.template.json'), 'utf8')) as {
        Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      };
      const count = (type: string) => Object.values(template.Resources).filter((resource) => resource.Type === type).length;
      expect({
        functions: count('AWS::Lambda::Function'),
        queues: count('AWS::SQS::Queue'),
        rules: count('AWS::Events::Rule'),
        mappings: count('AWS::Lambda::EventSourceMapping'),
        logGroups: count('AWS::Logs::LogGroup'),
        roles: count('AWS::IAM::Role'),
        alarms: count('AWS::CloudWatch::Alarm'),
        topics: count('AWS::SNS::Topic'),
        dashboards: count('AWS::CloudWatch::Dashboard'),
        managedPolicies: count('AWS::IAM::ManagedPolicy'),
        customResources: Object.values(template.Resources).filter((resource) => resource.Type.startsWith('Custom::')).length,
      }).toEqual({
        functions: 2,
        queues: 2,
        rules: 2,
        mappings: 1,
        logGroups: 2,
        roles: 2,
        // DLQ, both functions' errors, queue age, ReconcileMissing, and ≥ 1 on each other paging metric.
        alarms: 5 + METRIC_NAMES.filter((name) => INFORMATIONAL_METRICS[name] === undefined && name !== 'ReconcileMissing').length,
        topics: 1,
        dashboards: 1,
        managedPolicies: 0,
        customResources: 0,
      });

      // Each function's bundle is ESM and loads under the environment it is deployed with.
      for (const fn of Object.values(template.Resources).filter((resource) => resource.Type === 'AWS::Lambda::Function')) {
        const key = (fn.Properties['Code'] as { S3Key: string }).S3Key;
        const bundle = join(outdir, `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
        expect(existsSync(bundle), bundle).toBe(true);
        const variables = (fn.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
        const literal = Object.fromEntries(Object.entries(variables).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
        const { stdout } = await run(
          process.execPath,
          ['--input-type=module', '-e', 'const m = await import(process.argv[1]); console.log(typeof m.handler);', bundle],
          { env: { PATH: process.env['PATH'] ?? '', AWS_REGION: 'eu-west-1', ...literal }, timeout: 30_000 },
        );
        expect(stdout.trim()).toBe('function');
      }
    },
    300_000,
  );
});
