import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Bad bench flags, in the real bench process: exit 2 and one line, before any emulator starts. */
function bench(args: readonly string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/main.ts', ...args], { encoding: 'utf8', timeout: 50_000 });
  return { code: run.status, stdout: run.stdout, lines: run.stderr.split('\n').filter((line) => line.trim() !== '') };
}

describe('bench flags', () => {
  it.each([
    { args: ['burst', '--capacity', 'lambda'], problem: "argument 'lambda' is invalid. Allowed choices are fargate, ec2." },
    { args: ['burst', '--capacity', 'ec2', '--bridge-share', '1.5'], problem: 'expected a share from 0 to 1' },
    { args: ['burst', '--bridge-share', '0.3'], problem: '--bridge-share needs --capacity ec2' },
    { args: ['trickle', '--instance-type', 'm5.large'], problem: '--instance-type needs --capacity ec2' },
  ])('$args exit 2 with one line', ({ args, problem }) => {
    // act
    const run = bench(args);
    // assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.lines).toHaveLength(1);
    expect(run.lines[0]).toContain(problem);
  });
});
