import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { handleTaskEvents } from '../../app/handle-task-events.js';
import { cliAppDeps, withAwsOptions, type AwsCliOptions } from '../aws-options.js';
import { CliError, clientConfigError, EXIT_FAILURE, EXIT_USAGE, withCode } from '../exit.js';
import { CliLog } from '../stderr-logger.js';

async function readSource(source: string): Promise<string> {
  if (source !== '-') {
    try {
      return await readFile(source, 'utf8');
    } catch (error) {
      throw new CliError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, EXIT_USAGE);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function handleCommand(): Command {
  return withAwsOptions(
    new Command('handle')
      .description("run the Lambda handler's event path once on an ECS Task State Change event and print what it did as JSON")
      .argument('<file|->', 'event JSON file, or - for standard input'),
  ).action(async (source: string, options: AwsCliOptions) => {
    const text = await readSource(source);
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch (error) {
      throw new CliError(`${source === '-' ? 'standard input' : source} is not valid JSON: ${(error as Error).message}`, EXIT_USAGE);
    }
    const log = new CliLog(options.verbose === true);
    const deps = cliAppDeps(options, log);
    const [result] = await handleTaskEvents([event], deps);
    // stdout is the JSON result; the count of what was logged goes beside it, on stderr.
    const logged = log.summary();
    if (logged) process.stderr.write(`ecs-mirror: ${logged}\n`);
    if (!result) throw new CliError('the handler returned no result', EXIT_FAILURE);
    if (result.failure?.kind === 'invalid-event') throw new CliError(result.failure.message, EXIT_USAGE);
    const configError = result.failure && clientConfigError(result.failure);
    if (configError) throw configError;
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (result.failure) {
      // A target or filter that does not exist (outcome config) is the user's configuration to fix: exit 2.
      const exitCode = result.failure.outcome === 'config' ? EXIT_USAGE : EXIT_FAILURE;
      throw new CliError(withCode(result.failure.awsCode ?? result.failure.kind, result.failure.message), exitCode);
    }
  });
}
