import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/demo/world.js';
import { codeBlocks, readme, section } from '../support/readme.js';
import { CliRunner, REPO_ROOT } from './support/cli.js';
import { CREDENTIALS, startWorld, type World } from './support/world.js';

/**
 * The README's samples are what the commands print: the real command's output and the README's
 * block have the same shape (the same lines, with ids and figures set aside), and the command
 * block marked `<!-- readme-test: emulator -->` runs as written against an emulator.
 */
const cli = new CliRunner();

afterAll(() => {
  cli.killAll();
});

/** Lines with ids, numbers and runs of spaces made alike: what must not drift is the rest. */
function shape(text: string): string[] {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\b[0-9a-f]{32}\b/g, '<task>')
        .replace(/\b(eni|tms|tmt|tmf|subnet)-[0-9a-f]+\b/g, '<$1>')
        .replace(/\d+(\.\d+)?/g, 'N')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter((line) => line !== '');
}

/** From the last line that starts with `first` to the end. */
function fromLast(text: string, first: RegExp): string {
  const lines = text.split('\n');
  const start = lines.findLastIndex((line) => first.test(line));
  if (start < 0) throw new Error(`no line matching ${first}`);
  return lines.slice(start).join('\n');
}

const TABLE_HEADER = /^cluster\s+tasks\s+enis/;

describe('README samples have the shape of what the commands print', () => {
  it('npm start (the demo): the status table, the unsupported ENI, the EC2 doors and the summary lines', async () => {
    // prepare
    const [sample] = codeBlocks(section(readme(), '## Try it without an AWS account'));
    // act
    const run = await cli.run(['demo'], {}, 90_000);
    // assess
    expect(run.code).toBe(0);
    expect(shape(fromLast(run.stdout, TABLE_HEADER))).toEqual(shape(fromLast(sample?.body ?? '', TABLE_HEADER)));
    expect(run.stdout).toMatch(/^1 ENI on hosts that cannot mirror: reported, tagged, left out of coverage$/m);
    // The EC2 cluster's doors, whatever the seed: the figures, not only the shape.
    expect(run.stdout).toMatch(/^EC2: task ENIs 2\/2 mirrored, instance sessions 1 \(covering 3 bridge tasks\)$/m);
    expect(run.stdout).toMatch(/^1 branch ENI \(awsvpcTrunking\): reported, 0 sessions, left out of coverage$/m);
    // The live view's frame: the same lines, whatever the timing.
    const frame = (text: string) => shape(fromLast(text.slice(0, text.search(/^cluster\s/m)), /^t=/)).filter((line) => !line.startsWith('handler:') && !line.startsWith('EC2 requests') && !line.startsWith('»'));
    expect(frame(run.stdout)).toEqual(frame(sample?.body ?? ''));
  });

  describe('ecs-mirror status, then reconcile, on three tasks of which one cannot be mirrored', () => {
    let world: World;
    let env: Record<string, string>;
    beforeAll(async () => {
      world = await startWorld({ seed: 41, faults: { unsupportedEniRate: 1 } });
      const payments = await createCluster(world.clients, 'payments');
      await world.runTasks(1, { cluster: payments });
      world.emulator.setFaults({ unsupportedEniRate: 0 });
      await world.runTasks(2, { cluster: payments });
      await world.emulator.ecs.idle();
      env = {
        AWS_ENDPOINT_URL: world.emulator.url,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
        ...world.env({ MIRROR_CLUSTERS: 'payments' }),
      };
    });
    afterAll(async () => {
      await world?.close();
    });

    it('prints what the README shows', async () => {
      // prepare
      const [sample] = codeBlocks(section(readme(), '### `ecs-mirror reconcile` and `ecs-mirror status`'));
      const [statusSample = '', reconcileSample = ''] = (sample?.body ?? '').replace(/^\$ ecs-mirror status\n/, '').split('$ ecs-mirror reconcile\n');
      // act
      const status = await cli.run(['status'], env);
      const reconcile = await cli.run(['reconcile'], env);
      // assess
      expect(status.code).toBe(0);
      expect(reconcile.code).toBe(0);
      expect(status.stdout.split('\n')[0]).toBe(statusSample.split('\n')[0]);
      expect(shape(status.stdout)).toEqual(shape(statusSample));
      expect(shape(reconcile.stdout)).toEqual(shape(reconcileSample));
    });
  });
});

function awsCliVersion(): string | undefined {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 }).trim();
  } catch {
    return undefined;
  }
}

const awsCli = awsCliVersion();
if (!awsCli) console.warn('readme-samples.test.ts: the README command block is skipped — the `aws` command is not on PATH (`aws --version` failed).');

/** Variables of the test process that would change what the block does. */
const INHERITED_CONFIG = /^(MIRROR_|TrafficMirror|AWS_|POWERTOOLS_)/;

describe.skipIf(!awsCli)('the README command block that needs no AWS account', () => {
  const emulators: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const child of emulators) child.kill('SIGTERM');
  });

  /** Starts the emulator the block's first line starts, on a free port instead of its fixed one; its exports. */
  async function startBlockEmulator(line: string): Promise<Record<string, string>> {
    const args = line.replace(/^npm run ecs-mirror -- /, '').split(/\s+/);
    const port = args.indexOf('--port');
    if (port >= 0) args.splice(port, 2, '--port', '0');
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    emulators.push(child);
    let stdout = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (/MIRROR_FILTER_ID=\S+\n/.test(stdout)) resolve();
      });
      child.once('close', (code) => reject(new Error(`the emulator exited (${code}) before printing its exports: ${stdout}`)));
    });
    const env: Record<string, string> = {};
    for (const exportLine of stdout.split('\n').filter((l) => l.trim().startsWith('export '))) {
      for (const [, name, value] of exportLine.matchAll(/(\w+)=(\S+)/g)) if (name && value) env[name] = value;
    }
    return env;
  }

  it('the emulator block (status, reconcile, describe-traffic-mirror-sessions) runs as written', async () => {
    // prepare
    const block = codeBlocks(readme()).find((b) => b.marker === 'emulator');
    expect(block, 'a block marked <!-- readme-test: emulator -->').toBeDefined();
    const [first = '', ...rest] = (block?.body ?? '').split('\n');
    expect(first).toMatch(/^npm run ecs-mirror -- emulator /);
    const exports = await startBlockEmulator(first);
    const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_CONFIG.test(key)));
    // act
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-euo', 'pipefail', '-c', rest.join('\n')], {
        cwd: REPO_ROOT,
        env: { ...base, ...exports, AWS_PAGER: '', AWS_DEFAULT_OUTPUT: 'json' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });
    // assess
    expect(result.code, result.stderr).toBe(0);
    const created = Number(/^created (\d+), deleted 0$/m.exec(result.stdout)?.[1]);
    expect(created).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/^payments\s+3\s+3\s+0\s+0\s+3\s+0\.0%$/m);
    const described = result.stdout.slice(result.stdout.lastIndexOf('"TrafficMirrorSessions"'));
    expect(described.match(/"TrafficMirrorSessionId"/g)).toHaveLength(created);
  });
});
