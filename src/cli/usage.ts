import type { Command } from 'commander';
import { HUB_VARIABLES } from '../contract/members.js';
import { CONFIG_VARIABLES } from '../contract/variables.js';

/** `ecs-mirror reconcile`, as a user types it: the name of the command and its parents. */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/**
 * Usage errors of every command, the root and each subcommand alike: one line naming the command,
 * a hint, and exit code 2 through the root's handler. Commander copies these settings only to
 * subcommands made with `.command()`, not to those given to `.addCommand()`, so without this a
 * subcommand's usage error would print its own way and exit 1, the code reserved for AWS failures.
 */
export function applyUsageManners(command: Command): Command {
  const path = commandPath(command);
  command
    .exitOverride()
    .configureOutput({
      // Commander's messages start with "error: "; the command's path says more than that.
      outputError: (text, write) => write(`${path}: ${text.replace(/^error: /, '').trimEnd()}\n`),
    })
    .showHelpAfterError(`(run '${path} --help' for usage)`);
  for (const sub of command.commands) applyUsageManners(sub);
  return command;
}

/** Wraps `text` into lines of at most `width` characters, breaking at spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * The environment variables the product reads, for `--help`: generated from CONFIG_VARIABLES (and
 * HUB_VARIABLES where the command reads them) so that a variable added there is listed here
 * without anyone remembering to.
 */
export function environmentHelp(columns = 80, options: { readonly hub?: boolean } = {}): string {
  const all = options.hub === true ? [...CONFIG_VARIABLES, ...HUB_VARIABLES] : CONFIG_VARIABLES;
  const nameWidth = Math.max(...all.map(([name]) => name.length));
  const indent = 2 + nameWidth + 2;
  const descriptionWidth = Math.max(30, Math.max(80, columns) - indent - 1);
  const lines = ['', 'Environment variables (flags override them):'];
  const list = (variables: readonly (readonly [string, string])[]) => {
    for (const [name, description] of variables) {
      const [first = '', ...rest] = wrap(description, descriptionWidth);
      lines.push(`  ${name.padEnd(nameWidth)}  ${first}`);
      for (const more of rest) lines.push(`${' '.repeat(indent)}${more}`);
    }
  };
  list(CONFIG_VARIABLES);
  if (options.hub === true) {
    lines.push('', "Hub variables (a hub's Lambdas; status and reconcile, to sweep its members):");
    list(HUB_VARIABLES);
  }
  lines.push('', "AWS endpoint, Region and credentials come from the AWS SDK's own configuration", '(AWS_ENDPOINT_URL, AWS_REGION, AWS_PROFILE, …).');
  return lines.join('\n');
}

/** Whether the command, or one below it, sweeps member accounts: those read the hub's variables. */
function readsHubVariables(command: Command): boolean {
  return command.options.some((option) => option.long === '--accounts') || command.commands.some(readsHubVariables);
}

/** Adds the variables to a command's `--help`, drawn for the terminal it is shown in. */
export function withEnvironmentHelp(command: Command): Command {
  // Decided when help is shown, once the command's options and subcommands are all attached.
  return command.addHelpText('after', () => environmentHelp(process.stdout.columns, { hub: readsHubVariables(command) }));
}
