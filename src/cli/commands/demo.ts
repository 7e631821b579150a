import { Command, InvalidArgumentError, Option } from 'commander';
import { denialsLine } from '../../emulator/iam/index.js';
import { runDemo } from '../../demo/run-demo.js';
import { PROFILE_NAMES, type ProfileName } from '../../emulator/profile.js';
import { formatReport } from '../format-report.js';
import { CliError, EXIT_FAILURE } from '../exit.js';

interface DemoCliOptions {
  readonly profile: ProfileName;
  readonly seed: number;
  readonly serviceTasks: number;
  readonly standaloneTasks: number;
}

function count(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > 200) throw new InvalidArgumentError('expected a whole number from 1 to 200');
  return parsed;
}

function seed(value: string): number {
  if (!/^\d{1,10}$/.test(value)) throw new InvalidArgumentError('expected a whole number');
  return Number(value);
}

export function demoCommand(): Command {
  return new Command('demo')
    .description('run the product on the built-in emulator: tasks start, events flow through the real handler, sessions converge')
    .addOption(new Option('--profile <name>', 'emulator faults and timing').choices(PROFILE_NAMES).default('realistic'))
    .option('--seed <n>', 'seed for ids and faults', seed, 7)
    .option('--service-tasks <n>', 'tasks of the demo service', count, 8)
    .option('--standalone-tasks <n>', 'standalone tasks in the batch cluster (the first on a host that cannot mirror)', count, 4)
    .action(async (options: DemoCliOptions) => {
      const summary = await runDemo({
        ...options,
        live: process.stdout.isTTY === true,
        write: (text) => process.stdout.write(text),
        columns: () => process.stdout.columns,
        timeoutMs: 40_000,
      });
      const { truth } = summary;
      process.stdout.write(`${formatReport(summary.status, 'status')}\n`);
      // Lines of at most 80 characters, like the live view above them.
      const { ec2, unsupportedHosts } = summary;
      // An instance session mirrors one ENI too: the instance's primary.
      const mirroredEnis = truth.mirrored + ec2.instanceSessions;
      const unsupported = `${unsupportedHosts} ENI${unsupportedHosts === 1 ? '' : 's'} on hosts that cannot mirror: reported, tagged, left out of coverage`;
      const bridgeTasks = `${ec2.coveredBridgeTasks} bridge task${ec2.coveredBridgeTasks === 1 ? '' : 's'}`;
      const instanceSessions = `EC2: task ENIs ${ec2.taskEnisMirrored}/${ec2.taskEnis} mirrored, instance sessions ${ec2.instanceSessions} (covering ${bridgeTasks})`;
      const branch = `${ec2.branchEnis} branch ENI${ec2.branchEnis === 1 ? '' : 's'} (awsvpcTrunking): reported, ${ec2.branchSessions} sessions, left out of coverage`;
      process.stdout.write(
        [
          `${summary.converged ? 'converged' : 'DID NOT CONVERGE'} in ${summary.seconds.toFixed(1)} s: ${truth.mirrored}/${truth.mirrorable} mirrorable ENIs mirrored, ${truth.duplicateSessions} duplicate sessions`,
          unsupported,
          instanceSessions,
          branch,
          `EC2 requests ${summary.ec2Requests} (${summary.ec2Throttled} throttled) = ${(summary.ec2Requests / Math.max(1, mirroredEnis)).toFixed(2)} per mirrored ENI; dead-lettered events ${summary.deadLettered}`,
          denialsLine(summary.denied),
          // `npx ecs-mirror` works in a clone and in an installed package alike.
          'Next: `npx ecs-mirror emulator` keeps an emulator running for the AWS CLI and',
          'boto3; the README shows what to run against it.',
        ].join('\n') + '\n',
      );
      if (ec2.branchSessions > 0) throw new CliError('a branch ENI got a session: the product tried to mirror an ENI EC2 cannot mirror', EXIT_FAILURE);
      if (!summary.converged || truth.duplicateSessions > 0) throw new CliError('the demo did not converge to full coverage without duplicates', EXIT_FAILURE);
      if (summary.denied !== 'not-evaluated' && summary.denied.length > 0) throw new CliError("IAM denied calls the Lambdas make: the construct's policies lack a grant", EXIT_FAILURE);
    });
}
