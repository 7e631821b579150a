import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTrafficMirrorSessionsCommand, DescribeTrafficMirrorTargetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterAll, describe, expect, it } from 'vitest';
import { CliRunner, REPO_ROOT } from './support/cli.js';

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
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--port', '0', '--iam', file], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 20_000;
      while (!/MIRROR_FILTER_ID=tmf-/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
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
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
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
