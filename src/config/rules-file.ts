// zod/mini, as in core/event.ts: no bundled English messages; every message here is our own.
import * as z from 'zod/mini';
import { CLUSTER_ARN_PATTERN, ECS_NAME_PATTERN, FILTER_ID_PATTERN, LAUNCH_TYPES, TARGET_ID_PATTERN } from '../contract/ids.js';
import { PACKET_LENGTH_RANGE, SESSION_NUMBER_RANGE, VIRTUAL_NETWORK_ID_RANGE } from '../contract/limits.js';
import { HOST_NETWORK_TASKS, type MirrorRule } from '../core/rules.js';

/** AZ ids as EC2 reports them: `use1-az1`, and Local Zones' `use1-bos1-az1`. */
const AZ_ID_PATTERN = /^[a-z]{2,5}[0-9]+(-[a-z]+[0-9]+)?-az[0-9]+$/;
const LAUNCH_TYPE_SET: ReadonlySet<string> = new Set(LAUNCH_TYPES);

const pattern = (re: RegExp, message: string) => z.string().check(z.refine((value) => re.test(value), message));
const targetId = pattern(TARGET_ID_PATTERN, 'not a tmt- id');
const filterId = pattern(FILTER_ID_PATTERN, 'not a tmf- id');
const ecsName = (what: string) => pattern(ECS_NAME_PATTERN, `not a valid ${what} (up to 255 letters, digits, hyphens and underscores)`);
const clusterRef = z.string().check(z.refine((value) => ECS_NAME_PATTERN.test(value) || CLUSTER_ARN_PATTERN.test(value), 'not a cluster name or cluster ARN'));
const nonEmpty = <T extends z.core.SomeType>(item: T) => z.array(item).check(z.minLength(1, 'must list at least one entry'));
const integer = (range: { readonly min: number; readonly max: number }) =>
  z.number().check(z.refine((value) => Number.isInteger(value) && value >= range.min && value <= range.max, `not a whole number from ${range.min} to ${range.max}`));
const pool = nonEmpty(targetId).check(z.refine((ids) => new Set(ids).size === ids.length, 'names a target twice'));

const matchSchema = z.strictObject({
  clusters: z.optional(nonEmpty(clusterRef)),
  services: z.optional(nonEmpty(ecsName('service name'))),
  families: z.optional(nonEmpty(ecsName('task definition family'))),
  launchTypes: z.optional(nonEmpty(z.string().check(z.refine((value) => LAUNCH_TYPE_SET.has(value.toUpperCase()), `not one of ${LAUNCH_TYPES.join(', ')}`)))),
  tags: z.optional(z.record(z.string().check(z.minLength(1, 'tag keys must not be empty')), z.string())),
  availabilityZoneIds: z.optional(nonEmpty(pattern(AZ_ID_PATTERN, 'not an AZ id like use1-az1 (AZ names differ between accounts: use ids)'))),
});

const ruleSchema = z
  .strictObject({
    match: z.optional(matchSchema),
    mirror: z.optional(z.boolean()),
    targetId: z.optional(targetId),
    targetIds: z.optional(pool),
    targetsByAz: z.optional(z.record(pattern(AZ_ID_PATTERN, 'not an AZ id like use1-az1'), pool)),
    filterId: z.optional(filterId),
    sessionNumber: z.optional(integer(SESSION_NUMBER_RANGE)),
    packetLength: z.optional(integer(PACKET_LENGTH_RANGE)),
    virtualNetworkId: z.optional(integer(VIRTUAL_NETWORK_ID_RANGE)),
    hostNetworkTasks: z.optional(z.enum(HOST_NETWORK_TASKS)),
  })
  .check(z.refine((rule) => rule.targetId === undefined || rule.targetIds === undefined, 'sets both targetId and targetIds: set one'));

const rulesFileSchema = z.strictObject({ rules: z.array(ruleSchema) });

type PathKey = PropertyKey;

/** `rules[2].targetsByAz.use1-az1[0]`: indices in brackets, keys after dots. */
export function formatRulePath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(top level)' : out;
}

const NOUN: Readonly<Record<string, string>> = { string: 'a string', number: 'a number', boolean: 'true or false', array: 'a list', object: 'an object', record: 'an object' };

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeIssue(issue: z.core.$ZodIssue, document: unknown): string {
  const where = formatRulePath(issue.path);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${where}: unknown field '${key}'`).join('\n');
  if (issue.code === 'invalid_type') return valueAt(document, issue.path) === undefined ? `${where}: is missing` : `${where}: must be ${NOUN[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_key') return `${where}: ${issue.issues.map((inner) => inner.message).join('; ')}`;
  return `${where}: ${issue.message}`;
}

/**
 * The rules of a JSON document `{ "rules": [ … ] }`; every problem as one line naming the field
 * (`rules[2].targetsByAz.use1-az1[0]: not a tmt- id`), prefixed with where the text came from.
 * Returns the problems instead of throwing, so that loadConfig reports them with the others.
 */
export function parseRules(text: string, source: string): { readonly rules: readonly MirrorRule[]; readonly problems: readonly string[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { rules: [], problems: [`${source}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const result = rulesFileSchema.safeParse(document);
  if (!result.success) {
    return { rules: [], problems: result.error.issues.flatMap((issue) => describeIssue(issue, document).split('\n')).map((line) => `${source}: ${line}`) };
  }
  return { rules: result.data.rules.map(withoutUndefined), problems: [] };
}

/** exactOptionalPropertyTypes: a parsed optional field is absent, never present as undefined. */
function withoutUndefined(rule: z.infer<typeof ruleSchema>): MirrorRule {
  return JSON.parse(JSON.stringify(rule)) as MirrorRule;
}
