import { FILTER_ID_PATTERN, TARGET_ID_PATTERN } from '../contract/ids.js';
import { ACCOUNT_ID_PATTERN, DEFAULT_MEMBER_ROLE_NAME, HUB_ENV, REGION_PATTERN, ROLE_NAME_PATTERN } from '../contract/members.js';
import { ConfigError } from '../core/errors.js';
import type { MemberKey } from '../core/member.js';
import type { Environment } from './from-env.js';

/** A registered member: its account and Region, and the target and filter its sessions use there. */
export interface MemberSpec extends MemberKey {
  /** A target shared with the member (RAM) in its Region; default MIRROR_TARGET_ID. */
  readonly targetId?: string;
  /** A filter in the member account (filters are the session's account's own); default MIRROR_FILTER_ID. */
  readonly filterId?: string;
}

export interface HubConfig {
  readonly roleName: string;
  readonly externalId?: string;
  /** Registered members; empty: none registered (the CLI gives its own list). */
  readonly members: readonly MemberSpec[];
}

/** Whether this process is a hub: the member role's name is configured. */
export function isHub(env: Environment): boolean {
  return (env[HUB_ENV.memberRoleName] ?? '').trim() !== '';
}

const MEMBER_FIELDS: Readonly<Record<string, { pattern: RegExp; problem: string; required: boolean }>> = {
  account: { pattern: ACCOUNT_ID_PATTERN, problem: 'an account id is 12 digits', required: true },
  region: { pattern: REGION_PATTERN, problem: 'not a Region name such as eu-west-1', required: true },
  targetId: { pattern: TARGET_ID_PATTERN, problem: 'not a target id tmt-…', required: false },
  filterId: { pattern: FILTER_ID_PATTERN, problem: 'not a filter id tmf-…', required: false },
};

/**
 * One registry entry, checked by hand rather than with zod: the hub's Lambdas bundle this module,
 * and zod's full build (not the mini one the event parser uses) would add 400 KB to them.
 */
function parseMember(entry: unknown, index: number): { member?: MemberSpec; problems: string[] } {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { problems: [`${index}: expected {"account": …, "region": …}`] };
  const fields = entry as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields)) if (!Object.hasOwn(MEMBER_FIELDS, key)) problems.push(`${index}.${key}: unknown field`);
  for (const [key, rule] of Object.entries(MEMBER_FIELDS)) {
    const value = fields[key];
    if (value === undefined) {
      if (rule.required) problems.push(`${index}.${key}: missing`);
    } else if (typeof value !== 'string' || !rule.pattern.test(value)) problems.push(`${index}.${key}: ${rule.problem}`);
  }
  if (problems.length > 0) return { problems };
  const text = (key: string) => fields[key] as string | undefined;
  const targetId = text('targetId');
  const filterId = text('filterId');
  return { member: { accountId: text('account') ?? '', region: text('region') ?? '', ...(targetId ? { targetId } : {}), ...(filterId ? { filterId } : {}) }, problems };
}

/** The hub's variables (HUB_ENV); every problem in one ConfigError naming its variable. */
export function loadHubConfig(env: Environment): HubConfig {
  const problems: string[] = [];
  const roleName = (env[HUB_ENV.memberRoleName] ?? '').trim() || DEFAULT_MEMBER_ROLE_NAME;
  const roleProblem = roleNameProblem(roleName);
  if (roleProblem) problems.push(`${HUB_ENV.memberRoleName}: ${roleProblem}`);
  const externalId = (env[HUB_ENV.memberExternalId] ?? '').trim();
  // AssumeRoleRequest.ExternalId in the STS model: 2..1224 of [\w+=,.@:/-].
  if (externalId !== '' && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
    problems.push(`${HUB_ENV.memberExternalId}: 2 to 1224 letters, digits or +=,.@:/- expected`);
  }
  const members: MemberSpec[] = [];
  const text = (env[HUB_ENV.members] ?? '').trim();
  if (text !== '') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
      problems.push(`${HUB_ENV.members}: not JSON; expected [{"account":"111111111111","region":"eu-west-1"}, …]`);
    }
    if (json !== undefined && !Array.isArray(json)) problems.push(`${HUB_ENV.members}: expected a JSON list of members`);
    else if (json !== undefined) {
      const parsed = json.map((entry: unknown, index) => parseMember(entry, index));
      const entryProblems = parsed.flatMap((entry) => entry.problems);
      if (entryProblems.length > 0) {
        problems.push(`${HUB_ENV.members}: ${entryProblems.join(', ')}`);
      } else {
        members.push(...parsed.flatMap((entry) => (entry.member ? [entry.member] : [])));
        const seen = new Set<string>();
        for (const member of members) {
          const key = `${member.accountId}/${member.region}`;
          if (seen.has(key)) problems.push(`${HUB_ENV.members}: ${key} is listed twice`);
          seen.add(key);
        }
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { roleName, ...(externalId === '' ? {} : { externalId }), members };
}

export function roleNameProblem(roleName: string): string | undefined {
  return ROLE_NAME_PATTERN.test(roleName) ? undefined : `'${roleName}' is not a role name (1 to 64 letters, digits or +=,.@-)`;
}

/** Every account × every Region (the CLI's `--accounts a,b --regions r,s`). */
export function membersOf(accounts: readonly string[], regions: readonly string[]): MemberSpec[] {
  return accounts.flatMap((accountId) => regions.map((region) => ({ accountId, region })));
}
