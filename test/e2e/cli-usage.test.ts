import { afterAll, describe, expect, it } from 'vitest';
import { HUB_VARIABLES } from '../../src/contract/members.js';
import { CONFIG_VARIABLES } from '../../src/contract/variables.js';
import { CliRunner } from './support/cli.js';

/**
 * Usage errors, in the real CLI process: exit 2 (the README's code for bad input), one line
 * naming the command and the problem, then the hint to its --help; nothing on stdout.
 */
const cli = new CliRunner();

afterAll(() => {
  cli.killAll();
});

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

describe('usage errors exit 2 with one line and a hint, in every subcommand', () => {
  it.each([
    { command: 'ecs-mirror', args: ['nosuch'], problem: "unknown command 'nosuch'" },
    { command: 'ecs-mirror handle', args: ['handle'], problem: "missing required argument 'file|-'" },
    { command: 'ecs-mirror reconcile', args: ['reconcile', '--bogus'], problem: "unknown option '--bogus'" },
    { command: 'ecs-mirror reconcile', args: ['reconcile', '--rate', '0'], problem: "argument '0' is invalid" },
    { command: 'ecs-mirror status', args: ['status', '--cluster'], problem: "option '--cluster <name...>' argument missing" },
    // An unset shell variable (`--cluster "$CLUSTER"`) must not widen a sweep to every cluster.
    { command: 'ecs-mirror reconcile', args: ['reconcile', '--cluster', ''], problem: 'got an empty one' },
    { command: 'ecs-mirror emulator', args: ['emulator', '--port', '99999'], problem: "argument '99999' is invalid" },
    { command: 'ecs-mirror demo', args: ['demo', '--seed', 'abc'], problem: "argument 'abc' is invalid" },
  ])('$command $args', async ({ command, args, problem }) => {
    // act
    const run = await cli.run(args, {});
    // assess
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const [error, hint, ...rest] = lines(run.stderr);
    expect(error).toMatch(new RegExp(`^${command}: `));
    expect(error).toContain(problem);
    expect(hint).toBe(`(run '${command} --help' for usage)`);
    expect(rest).toEqual([]);
  });

  it('ecs-mirror with no command prints the usage on stderr and exits 2', async () => {
    // act
    const run = await cli.run([], {});
    // assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: ecs-mirror');
  });
});

describe('--help lists the environment variables from CONFIG_VARIABLES, and HUB_VARIABLES where they are read', () => {
  it.each([
    [[] as string[], true],
    [['handle'], false],
    [['reconcile'], true],
    [['status'], true],
  ])('ecs-mirror %j --help (hub variables: %s)', async (args, hub) => {
    // act
    const run = await cli.run([...args, '--help'], {});
    // assess
    expect(run.code).toBe(0);
    const section = run.stdout.slice(run.stdout.indexOf('Environment variables'));
    const listed = [...section.matchAll(/^ {2}([A-Z][A-Z0-9_]+) /gm)].map((match) => match[1]);
    expect(listed).toEqual([...CONFIG_VARIABLES, ...(hub ? HUB_VARIABLES : [])].map(([name]) => name));
    for (const line of run.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
