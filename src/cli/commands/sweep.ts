import { Command } from 'commander';
import { reconcile, sweepProblems, type ReconcileReport, type SweepProgress } from '../../app/reconcile.js';
import { MirrorError } from '../../core/errors.js';
import { invalidScopeName } from '../../core/scope.js';
import { cliAppDeps, withAwsOptions, type AwsCliOptions } from '../aws-options.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit.js';
import { formatReport } from '../format-report.js';

interface SweepCliOptions extends AwsCliOptions {
  readonly cluster?: string[];
  readonly json?: boolean;
  readonly dryRun?: boolean;
  readonly rate?: string;
  readonly maxDeletePercent?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** A one-line progress indicator, on stderr and only for a person watching a terminal. */
function progressReporter(): ((progress: SweepProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return ({ stage, done, total }) => {
    process.stderr.write(`\r\x1b[2K${stage}: ${done}${total === undefined ? '' : `/${total}`}`);
  };
}

async function runSweep(options: SweepCliOptions, dryRun: boolean): Promise<ReconcileReport> {
  const deps = cliAppDeps(options);
  const rate = options.rate === undefined ? undefined : Number(options.rate);
  if (rate !== undefined && !(rate > 0 && rate <= 1000)) throw new CliError(`--rate: '${options.rate}' is not a number from 0 (exclusive) to 1000`, EXIT_USAGE);
  const maxDeletePercent = options.maxDeletePercent === undefined ? undefined : Number(options.maxDeletePercent);
  if (maxDeletePercent !== undefined && !(/^\d+$/.test(options.maxDeletePercent ?? '') && maxDeletePercent <= 100)) {
    throw new CliError(`--max-delete-percent: '${options.maxDeletePercent}' is not a whole number from 0 to 100`, EXIT_USAGE);
  }
  for (const cluster of options.cluster ?? []) {
    const problem = invalidScopeName('cluster', cluster);
    if (problem !== undefined) throw new CliError(`--cluster: ${problem}`, EXIT_USAGE);
  }
  const onProgress = progressReporter();
  try {
    return await reconcile(deps, {
      dryRun,
      ...(options.cluster ? { clusters: options.cluster } : {}),
      ...(rate === undefined ? {} : { actionsPerSecond: rate }),
      ...(maxDeletePercent === undefined ? {} : { maxDeletePercent }),
      ...(onProgress ? { onProgress } : {}),
    });
  } catch (error) {
    if (error instanceof MirrorError && error.kind === 'client-config') throw new CliError(`invalid configuration: ${error.message}`, EXIT_USAGE);
    const code = (error as { awsCode?: string }).awsCode;
    throw new CliError(`sweep failed: ${code ? `${code}: ` : ''}${error instanceof Error ? error.message : String(error)}`, EXIT_FAILURE);
  } finally {
    if (onProgress) process.stderr.write('\r\x1b[2K');
  }
}

function print(report: ReconcileReport, options: SweepCliOptions, mode: 'status' | 'reconcile'): void {
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, mode));
  const problems = sweepProblems(report);
  if (problems.length > 0) throw new CliError(`${problems.join('; ')} (see above)`, EXIT_FAILURE);
}

export function reconcileCommand(): Command {
  return withAwsOptions(
    new Command('reconcile')
      .description('sweep once: create missing sessions, delete our orphaned ones, report foreign ones')
      .option('--dry-run', 'report what would change, change nothing')
      .option('--cluster <name...>', 'clusters to sweep, names or ARNs (repeatable or comma-separated; default MIRROR_CLUSTERS, else all)', collect)
      .option('--rate <per-second>', 'creates and deletes per second (EC2 refills 5/s per account)', '5')
      .option('--max-delete-percent <n>', 'circuit breaker: delete nothing when more than n% of our sessions would go (default MIRROR_RECONCILE_MAX_DELETE_PERCENT, else 10)')
      .option('--json', 'print the report as one JSON document'),
  ).action(async (options: SweepCliOptions) => {
    print(await runSweep(options, options.dryRun === true), options, 'reconcile');
  });
}

export function statusCommand(): Command {
  return withAwsOptions(
    new Command('status')
      .description('show mirroring coverage per cluster and every unmirrored task with the reason (changes nothing)')
      .option('--cluster <name...>', 'clusters to show, names or ARNs (default MIRROR_CLUSTERS, else all)', collect)
      .option('--json', 'print the report as one JSON document'),
  ).action(async (options: SweepCliOptions) => {
    print(await runSweep(options, true), options, 'status');
  });
}
