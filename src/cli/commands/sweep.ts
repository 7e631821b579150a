import { Command, InvalidArgumentError } from 'commander';
import { reconcile, sweepProblems, type ReconcileReport, type SweepProgress } from '../../app/reconcile.js';
import { MirrorError } from '../../core/errors.js';
import { invalidScopeName } from '../../core/scope.js';
import { cliAppDeps, withAwsOptions, type AwsCliOptions } from '../aws-options.js';
import { CliError, clientConfigError, EXIT_FAILURE, EXIT_USAGE, withCode } from '../exit.js';
import { formatReport } from '../format-report.js';
import { requireTargetAndFilter } from '../require-target-and-filter.js';
import { CliLog } from '../stderr-logger.js';
import { listOf, roleName, runMemberSweep, wantsMembers, type MemberCliOptions } from './member-sweep.js';

interface SweepCliOptions extends AwsCliOptions, MemberCliOptions {
  readonly cluster?: string[];
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly rate?: number;
  readonly maxDeletePercent?: number;
}

/** A usage error like any other, so commander reports it with the hint and exit code 2. */
function perSecond(value: string): number {
  const rate = Number(value);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value) || !(rate > 0 && rate <= 1000)) throw new InvalidArgumentError('expected a number above 0, at most 1000');
  return rate;
}

function wholePercent(value: string): number {
  if (!/^[0-9]+$/.test(value) || Number(value) > 100) throw new InvalidArgumentError('expected a whole number from 0 to 100');
  return Number(value);
}

/**
 * `--cluster a,b` or repeated. An empty value (an unset shell variable) would otherwise mean "every
 * cluster" and turn a one-cluster repair into an account-wide one: it is a usage error.
 */
function collect(value: string, previous: string[] = []): string[] {
  const names = value.split(',').map((v) => v.trim());
  if (names.some((name) => name === '')) throw new InvalidArgumentError('expected cluster names or ARNs, got an empty one');
  return [...previous, ...names];
}

/** The organization's flags: one sweep per account × Region, each through the member role. */
function withMemberOptions(command: Command): Command {
  return command
    .option('--accounts <ids...>', 'member accounts to sweep, each through a session of --role-name (repeatable or comma-separated)', listOf('account'))
    .option('--regions <names...>', 'Regions of each member account (default --region / AWS_REGION)', listOf('region'))
    .option('--role-name <name>', 'the role to assume in each account (default MIRROR_MEMBER_ROLE_NAME, else ecs-traffic-mirror-member)', roleName)
    .option('--external-id <id>', 'the external id the member roles require (default MIRROR_MEMBER_EXTERNAL_ID)');
}

/** A one-line progress indicator, on stderr and only for a person watching a terminal. */
function progressReporter(): ((progress: SweepProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ stage, done, total }) => {
    process.stderr.write(`\r\x1b[2K${stage}: ${done}${total === undefined ? '' : `/${total}`}`);
  };
}

function sweepOptionsOf(options: SweepCliOptions, dryRun: boolean) {
  for (const cluster of options.cluster ?? []) {
    const problem = invalidScopeName('cluster', cluster);
    if (problem !== undefined) throw new CliError(`--cluster: ${problem}`, EXIT_USAGE);
  }
  return {
    dryRun,
    ...(options.cluster ? { clusters: options.cluster } : {}),
    ...(options.rate === undefined ? {} : { actionsPerSecond: options.rate }),
    ...(options.maxDeletePercent === undefined ? {} : { maxDeletePercent: options.maxDeletePercent }),
  };
}

async function runSweep(options: SweepCliOptions, dryRun: boolean, log: CliLog): Promise<ReconcileReport> {
  for (const cluster of options.cluster ?? []) {
    const problem = invalidScopeName('cluster', cluster);
    if (problem !== undefined) throw new CliError(`--cluster: ${problem}`, EXIT_USAGE);
  }
  const deps = cliAppDeps(options, log);
  const onProgress = progressReporter();
  try {
    await requireTargetAndFilter(deps);
    return await reconcile(deps, {
      dryRun,
      ...(options.cluster ? { clusters: options.cluster } : {}),
      ...(options.rate === undefined ? {} : { actionsPerSecond: options.rate }),
      ...(options.maxDeletePercent === undefined ? {} : { maxDeletePercent: options.maxDeletePercent }),
      ...(onProgress ? { onProgress } : {}),
    });
  } catch (error) {
    if (error instanceof CliError) throw error;
    const configError = error instanceof MirrorError ? clientConfigError(error) : undefined;
    if (configError) throw configError;
    throw new CliError(`sweep failed: ${withCode((error as { awsCode?: string }).awsCode, error instanceof Error ? error.message : String(error))}`, EXIT_FAILURE);
  } finally {
    if (onProgress) process.stderr.write('\r\x1b[2K');
  }
}

function print(report: ReconcileReport, options: SweepCliOptions, mode: 'status' | 'reconcile', log: CliLog): void {
  const logged = log.summary();
  process.stdout.write(
    options.json ? `${JSON.stringify({ ...report, logged: log.counts }, null, 2)}\n` : `${formatReport(report, mode)}${logged ? `\n${logged}\n` : ''}`,
  );
  const problems = sweepProblems(report);
  if (problems.length > 0) throw new CliError(`${problems.join('; ')} (see above)`, EXIT_FAILURE);
}

export function reconcileCommand(): Command {
  return withAwsOptions(withMemberOptions(
    new Command('reconcile')
      .description('sweep once: create missing sessions, bring drifted ones of ours to their rule in place, delete our orphaned ones, report foreign ones')
      .option('--dry-run', 'report what would change, change nothing')
      .option('--cluster <name...>', 'clusters to sweep, names or ARNs (repeatable or comma-separated; default MIRROR_CLUSTERS, else all)', collect)
      .option('--rate <per-second>', 'creates, in-place modifies and deletes per second (EC2 refills 5/s per account)', perSecond, 5)
      .option(
        '--max-delete-percent <n>',
        'circuit breaker: delete nothing when more than n% of our sessions would go (default MIRROR_RECONCILE_MAX_DELETE_PERCENT, else 10)',
        wholePercent,
      )
      .option('--json', 'print the report as one JSON document'),
  )).action(async (options: SweepCliOptions) => {
    const log = new CliLog(options.verbose === true);
    if (wantsMembers(options)) return runMemberSweep(options, sweepOptionsOf(options, options.dryRun === true), 'reconcile', log);
    print(await runSweep(options, options.dryRun === true, log), options, 'reconcile', log);
  });
}

export function statusCommand(): Command {
  return withAwsOptions(withMemberOptions(
    new Command('status')
      .description('show mirroring coverage per cluster, tasks by door and instance sessions when tasks run on EC2, and every unmirrored task with the reason (changes nothing)')
      .option('--cluster <name...>', 'clusters to show, names or ARNs (default MIRROR_CLUSTERS, else all)', collect)
      .option('--json', 'print the report as one JSON document'),
  )).action(async (options: SweepCliOptions) => {
    const log = new CliLog(options.verbose === true);
    if (wantsMembers(options)) return runMemberSweep(options, sweepOptionsOf(options, true), 'status', log);
    print(await runSweep(options, true, log), options, 'status', log);
  });
}
