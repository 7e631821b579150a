#!/usr/bin/env node
// The SDK warns on every run under Node 20 that future versions will need Node 22; the README
// says so once. Setting the variable yourself (to anything) keeps the warning.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../contract/package-layout.js';
import { demoCommand } from './commands/demo.js';
import { emulatorCommand } from './commands/emulator.js';
import { handleCommand } from './commands/handle.js';
import { reconcileCommand, statusCommand } from './commands/sweep.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE, errorLine } from './exit.js';
import { applyUsageManners, withEnvironmentHelp } from './usage.js';

const program = new Command('ecs-mirror')
  .description('Mirror the traffic of every ECS / Fargate task into a VPC Traffic Mirroring target.')
  // Read at run time from package.json, which sits above both src/ and dist/src/.
  .version(packageVersion(import.meta.url))
  .addCommand(handleCommand())
  .addCommand(reconcileCommand())
  .addCommand(statusCommand())
  .addCommand(emulatorCommand())
  .addCommand(demoCommand());
withEnvironmentHelp(program);
// Last, once every subcommand is attached: it applies to the whole tree.
applyUsageManners(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
  if (error instanceof CliError) {
    for (const line of error.lines ?? [error.message]) process.stderr.write(errorLine(line));
    return error.exitCode;
  }
  process.stderr.write(errorLine(`unexpected error: ${error instanceof Error ? error.message : String(error)}`));
  return EXIT_FAILURE;
}
