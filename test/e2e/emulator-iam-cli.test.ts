import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTrafficMirrorSessionsCommand, DescribeTrafficMirrorTargetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { CliRunner, startEmulatorProcess } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ecs-mirror-iam-'));
const cli = new CliRunner();

afterAll(() => {
  cli.killAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('ecs-mirror emulator --iam', () => {
  it('evaluates the calls of a key with a policy and allows every other key', async () => {
    // prepare
    const file = join(dir, 'iam.json');
    writeFileSync(file, JSON.stringify({ reader: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:DescribeTrafficMirrorTargets', Resource: '*' }] } }));
    const emulator = await startEmulatorProcess(['--iam', file]);
    let code: number | null;
    try {
      const url = emulator.url;
      const as = (accessKeyId: string) => new EC2Client({ endpoint: url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
      const reader = as('reader');
      const anyone = as('anyone');
      // act
      const targets = await reader.send(new DescribeTrafficMirrorTargetsCommand({}));
      const denied = await reader.send(new DescribeTrafficMirrorSessionsCommand({})).then(() => undefined, (error: unknown) => error);
      const open = await anyone.send(new DescribeTrafficMirrorSessionsCommand({}));
      reader.destroy();
      anyone.destroy();
      // assess
      expect(targets.TrafficMirrorTargets).toHaveLength(1);
      expect(denied).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
      expect(open.TrafficMirrorSessions).toEqual([]);
    } finally {
      code = await emulator.stop();
    }
    expect(code).toBe(0);
  });

  it('refuses a file that is not policies per access key, with one line naming it (exit 2)', async () => {
    // prepare
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ reader: 'Allow everything' }));
    // act
    const run = await cli.run(['emulator', '--port', '0', '--iam', file], {});
    // assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--iam ${file}`);
  });
});
