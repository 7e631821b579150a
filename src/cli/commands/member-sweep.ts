import { InvalidArgumentError } from 'commander';
import type { MemberDepsSource } from '../../app/members.js';
import { memberSweepProblems, organizationReport, reconcileMembers, type MemberSweep } from '../../app/reconcile-members.js';
import type { SweepOptions } from '../../app/reconcile.js';
import { composeMemberDeps } from '../../aws/compose-members.js';
import { loadAllConfig } from '../../aws/compose.js';
import { loadHubConfig, membersOf, roleNameProblem, type HubConfig } from '../../config/members.js';
import { ACCOUNT_ID_PATTERN, DEFAULT_MEMBER_ROLE_NAME, HUB_ENV, REGION_PATTERN } from '../../contract/members.js';
import { ENV } from '../../contract/variables.js';
import { ConfigError, MirrorError } from '../../core/errors.js';
import { memberKeyText } from '../../core/member.js';
import { noMetrics } from '../../ports/index.js';
import { awsSettingsFrom, environmentWith, type AwsCliOptions } from '../aws-options.js';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from '../exit.js';
import { formatMemberSweeps } from '../format-members.js';
import type { CliLog } from '../stderr-logger.js';

export interface MemberCliOptions extends AwsCliOptions {
  readonly accounts?: string[];
  readonly regions?: string[];
  readonly roleName?: string;
  readonly externalId?: string;
  readonly json?: boolean;
}

/** `--accounts a,b` / `--regions r,s`, repeatable or comma-separated; each value checked, an empty one refused. */
export function listOf(what: 'account' | 'region') {
  return (value: string, previous: string[] = []): string[] => {
    const items = value.split(',').map((item) => item.trim());
    for (const item of items) {
      if (item === '') throw new InvalidArgumentError(`expected ${what === 'account' ? 'account ids' : 'Region names'}, got an empty one`);
      if (what === 'account' && !ACCOUNT_ID_PATTERN.test(item)) throw new InvalidArgumentError(`'${item}' is not an account id (12 digits)`);
      if (what === 'region' && !REGION_PATTERN.test(item)) throw new InvalidArgumentError(`'${item}' is not a Region name such as eu-west-1`);
    }
    return [...previous, ...items];
  };
}

export function roleName(value: string): string {
  const problem = roleNameProblem(value);
  if (problem !== undefined) throw new InvalidArgumentError(problem);
  return value;
}

/** Whether the command sweeps many accounts: `--accounts` given, or a hub's registry in the environment. */
export function wantsMembers(options: MemberCliOptions): boolean {
  if (options.accounts !== undefined) return true;
  if (options.regions !== undefined || options.roleName !== undefined || options.externalId !== undefined) {
    throw new CliError('--regions, --role-name and --external-id go with --accounts', EXIT_USAGE);
  }
  return (process.env[HUB_ENV.members] ?? '').trim() !== '' && (process.env[HUB_ENV.memberRoleName] ?? '').trim() !== '';
}

/**
 * The sweep of every account × Region, each through a session of the member role: the same
 * sweep as for one account, once per member, and one table for all of them.
 */
export async function runMemberSweep(options: MemberCliOptions, sweep: SweepOptions, mode: 'status' | 'reconcile', log: CliLog): Promise<void> {
  const env = environmentWith(options);
  let members: MemberDepsSource;
  let list;
  try {
    const config = loadAllConfig({ env, aws: awsSettingsFrom(options) });
    const registry = loadHubConfig(env);
    const regions = options.regions ?? [options.region ?? env['AWS_REGION'] ?? ''].filter((region) => region !== '');
    if (options.accounts !== undefined && regions.length === 0) throw new CliError('--accounts needs --regions (or --region / AWS_REGION)', EXIT_USAGE);
    list = options.accounts === undefined ? registry.members : membersOf(options.accounts, regions);
    const hub: HubConfig = {
      roleName: options.roleName ?? (env[HUB_ENV.memberRoleName]?.trim() || DEFAULT_MEMBER_ROLE_NAME),
      ...(options.externalId ?? registry.externalId ? { externalId: options.externalId ?? registry.externalId } : {}),
      // The registry still gives each listed member its own target and filter, when it names them.
      members: registry.members,
    };
    members = checkingTargetAndFilter(composeMemberDeps({ config, hub, logger: log.logger, metrics: noMetrics, aws: awsSettingsFrom(options) }), config.session);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(`invalid configuration: ${error.problems.join('; ')}`, EXIT_USAGE);
    throw error;
  }
  const sweeps = await reconcileMembers(list, members, { logger: log.logger, metrics: noMetrics }, sweep);
  print(sweeps, options, mode, log, sweep.dryRun);
}

/** A member's target or filter that does not exist there fails that member alone, naming the variable. */
function checkingTargetAndFilter(source: MemberDepsSource, defaults: { targetId: string; filterId: string }): MemberDepsSource {
  return {
    ...source,
    depsFor: async (member) => {
      const deps = await source.depsFor(member);
      const { targetId, filterId } = deps.config.session;
      const check = await deps.ec2.findTargetAndFilter(targetId, filterId);
      const where = memberKeyText(member);
      if (!check.targetExists) throw new MirrorError('target-not-found', `${targetId === defaults.targetId ? ENV.targetId : HUB_ENV.members}: ${targetId} does not exist in ${where}`, 'InvalidTrafficMirrorTargetId.NotFound');
      if (!check.filterExists) throw new MirrorError('filter-not-found', `${filterId === defaults.filterId ? ENV.filterId : HUB_ENV.members}: ${filterId} does not exist in ${where}`, 'InvalidTrafficMirrorFilterId.NotFound');
      return deps;
    },
  };
}

function print(sweeps: readonly MemberSweep[], options: MemberCliOptions, mode: 'status' | 'reconcile', log: CliLog, dryRun: boolean): void {
  const logged = log.summary();
  process.stdout.write(
    options.json
      ? `${JSON.stringify({ members: sweeps, organization: organizationReport(sweeps, dryRun), logged: log.counts }, null, 2)}\n`
      : `${formatMemberSweeps(sweeps, mode)}${logged ? `\n${logged}\n` : ''}`,
  );
  const problems = memberSweepProblems(sweeps);
  if (problems.length > 0) throw new CliError(`${problems.length} problems in ${new Set(problems.map((p) => p.split(':')[0])).size} members: ${problems[0] ?? ''} (see above)`, EXIT_FAILURE);
}
