import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables of the test process that would change what the CLI does; removed from its environment. */
const INHERITED_CONFIG = /^(MIRROR_|TrafficMirror|AWS_|POWERTOOLS_)/;

/**
 * Runs `ecs-mirror` as a user would (`node --import tsx src/cli/main.ts …`) in its own process,
 * with only the environment given here besides PATH and the like; killed after `timeoutMs`.
 */
export class CliRunner {
  private readonly live = new Set<ChildProcess>();

  run(args: readonly string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliRun> {
    const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_CONFIG.test(key)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
    });
    this.live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.once('error', (error) => {
        this.live.delete(child);
        reject(error);
      });
      child.once('close', (code, signal) => {
        this.live.delete(child);
        resolve({ code, signal, stdout, stderr });
      });
    });
  }

  /** Kills what is still running (afterAll). */
  killAll(): void {
    for (const child of this.live) child.kill('SIGKILL');
    this.live.clear();
  }
}

/** `ecs-mirror emulator …` running in its own process, once it has printed its exports. */
export interface EmulatorProcess {
  /** The endpoint it printed (undefined when it printed none in time). */
  readonly url: string | undefined;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export async function startEmulatorProcess(args: readonly string[]): Promise<EmulatorProcess> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'emulator', '--port', '0', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const deadline = Date.now() + 20_000;
  while (!/MIRROR_FILTER_ID=tmf-/.test(stdout) && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return {
    url: /listening on (http:\/\/\S+)/.exec(stdout)?.[1],
    stdout: () => stdout,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}
