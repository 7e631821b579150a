// zod/mini: the same validation as zod's chained API, without the English messages (and the other
// locales) that `zod` loads: every message this parser emits is its own (`describeIssue`).
import * as z from 'zod/mini';
import { InvalidEventError } from './errors.js';
import { clusterNameOf, lastPathSegment, type TaskEni, type TaskSnapshot } from './task.js';
import { oneLine } from './one-line.js';

export const ECS_EVENT_SOURCE = 'aws.ecs';
export const TASK_STATE_CHANGE_DETAIL_TYPE = 'ECS Task State Change';

/** `task/<id>` (old format) or `task/<cluster>/<id>` (new format); anything else has no usable task id. */
const TASK_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:task\/(?:[^/]+\/)?[^/]+$/;
const CLUSTER_ARN = /^arn:[^:]+:ecs:[^:]*:[^:]*:cluster\/[^/]+$/;
const TASK_DEFINITION_FAMILY = /:task-definition\/([^:/]+):\d+$/;

/** Events say `eni`, DescribeTasks says `ElasticNetworkInterface`; compared lower-cased. */
const ENI_ATTACHMENT_TYPES: ReadonlySet<string> = new Set(['eni', 'elasticnetworkinterface']);

/**
 * Epoch numbers come in seconds from the AWS CLI and boto3 but in milliseconds from JavaScript;
 * below 1e11 a value is read as seconds (1e11 s is the year 5138, 1e11 ms is 1973).
 */
const EPOCH_SECONDS_BELOW = 1e11;

function toIsoTimestamp(value: string | number | Date): string | undefined {
  let millis: number;
  if (value instanceof Date) millis = value.getTime();
  else if (typeof value === 'number') millis = Math.abs(value) < EPOCH_SECONDS_BELOW ? value * 1000 : value;
  else millis = Date.parse(value);
  // Beyond ±8.64e15 ms toISOString throws a RangeError, which must not escape the parser.
  if (!Number.isFinite(millis) || Math.abs(millis) > 8.64e15) return undefined;
  return new Date(millis).toISOString();
}

const timestampSchema = z.pipe(
  z.union([z.string(), z.number(), z.date()], { error: 'must be an ISO timestamp, a Date or an epoch number' }),
  z.transform((value: string | number | Date, ctx) => {
    const iso = toIsoTimestamp(value);
    if (iso === undefined) {
      ctx.issues.push({ code: 'custom', message: 'is not a valid timestamp', input: value });
      return z.NEVER;
    }
    return iso;
  }),
);

const optionalString = z.nullish(z.string());
const nonEmptyString = z.string().check(z.minLength(1, { error: 'is empty' }));

const keyValueSchema = z.looseObject({ key: optionalString, value: optionalString });

/** Only the fields the product reads are checked; everything else ECS adds over time passes. */
const detailSchema = z.looseObject({
  taskArn: z.string().check(z.regex(TASK_ARN, { error: 'is not an ECS task ARN' })),
  clusterArn: z.string().check(z.regex(CLUSTER_ARN, { error: 'is not an ECS cluster ARN' })),
  lastStatus: nonEmptyString,
  desiredStatus: optionalString,
  launchType: optionalString,
  group: optionalString,
  taskDefinitionArn: optionalString,
  availabilityZone: optionalString,
  version: z.nullish(z.number().check(z.int(), z.nonnegative())),
  attachments: z.nullish(z.array(z.looseObject({ type: z.string() }))),
  tags: z.nullish(z.array(keyValueSchema)),
  stoppedReason: optionalString,
  stoppedAt: z.nullish(timestampSchema),
  createdAt: z.nullish(timestampSchema),
  containerInstanceArn: optionalString,
});

/** Checked only for ENI attachments, so an odd EBS or Service Connect attachment cannot fail a task. */
const eniAttachmentSchema = z.looseObject({
  id: nonEmptyString,
  status: nonEmptyString,
  details: z.nullish(z.array(z.looseObject({ name: optionalString, value: optionalString }))),
});

type PathKey = string | number | symbol;

function formatPath(base: string, path: readonly PathKey[]): string {
  let text = base;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += `${text === '' ? '' : '.'}${typeof key === 'symbol' ? (key.description ?? 'symbol') : key}`;
  }
  return text;
}

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Never calls String() on the value: a null-prototype object has no toString. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a Date';
  if (typeof value === 'string') return `'${quote(value)}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${JSON.stringify(value) ?? ''}`.trim();
  if (typeof value === 'object') return 'an object';
  return `a value of type ${typeof value}`;
}

/** Escapes control characters as every error line does, and caps the length, so the message stays one line. */
function quote(text: string): string {
  return oneLine(text, 100);
}

const EXPECTED_NOUN: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  array: 'an array',
  object: 'an object',
  date: 'a Date',
};

function describeIssue(issue: z.core.$ZodIssue, base: string, root: unknown): string {
  const where = formatPath(base, issue.path);
  const value = valueAt(root, issue.path);
  if (value === undefined) return `${where} is missing`;
  if (issue.code === 'invalid_type') {
    const expected = EXPECTED_NOUN[issue.expected] ?? issue.expected;
    return `${where} must be ${expected}, got ${describeValue(value)}`;
  }
  if (issue.code === 'too_small' && issue.origin === 'number') return `${where} must not be negative, got ${describeValue(value)}`;
  return `${where} ${issue.message}${typeof value === 'string' && value !== '' ? `: '${quote(value)}'` : ''}`;
}

function fail(issues: readonly z.core.$ZodIssue[], base: string, root: unknown): never {
  const lines = issues.map((issue) => describeIssue(issue, base, root));
  const first = lines[0] ?? `${base} is invalid`;
  const more = lines.length > 1 ? ` (and ${lines.length - 1} more problem${lines.length > 2 ? 's' : ''})` : '';
  throw new InvalidEventError(first + more, lines);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A cheap pre-check, e.g. to route an invocation, without validating the task itself. */
export function isEcsTaskStateChangeEnvelope(input: unknown): boolean {
  return (
    isRecord(input) &&
    input['source'] === ECS_EVENT_SOURCE &&
    input['detail-type'] === TASK_STATE_CHANGE_DETAIL_TYPE &&
    isRecord(input['detail'])
  );
}

/** Validates an EventBridge ECS Task State Change event; throws only InvalidEventError. */
export function parseTaskStateChangeEvent(input: unknown): TaskSnapshot {
  const notThisEvent = 'not an ECS Task State Change event';
  if (!isRecord(input)) throw new InvalidEventError(`${notThisEvent}: expected an object, got ${describeValue(input)}`);
  const source = input['source'];
  if (source !== ECS_EVENT_SOURCE) {
    throw new InvalidEventError(`${notThisEvent}: source is ${source === undefined ? 'missing' : describeValue(source)}`);
  }
  const detailType = input['detail-type'];
  if (detailType !== TASK_STATE_CHANGE_DETAIL_TYPE) {
    throw new InvalidEventError(`${notThisEvent}: detail-type is ${detailType === undefined ? 'missing' : describeValue(detailType)}`);
  }
  return parseTaskDetail(input['detail']);
}

/**
 * Validates an event's `detail`, or a DescribeTasks `Task` turned into plain data (Date objects,
 * ISO strings and epoch numbers are all accepted as timestamps). `label` names the object in
 * error messages. Throws only InvalidEventError.
 */
export function parseTaskDetail(detail: unknown, label = 'detail'): TaskSnapshot {
  if (!isRecord(detail)) {
    throw new InvalidEventError(detail === undefined ? `${label} is missing` : `${label} must be an object, got ${describeValue(detail)}`);
  }
  const parsed = detailSchema.safeParse(detail);
  if (!parsed.success) fail(parsed.error.issues, label, detail);
  const task = parsed.data;

  const enis: TaskEni[] = [];
  (task.attachments ?? []).forEach((attachment, index) => {
    if (!ENI_ATTACHMENT_TYPES.has(attachment.type.toLowerCase())) return;
    const checked = eniAttachmentSchema.safeParse(attachment);
    if (!checked.success) fail(checked.error.issues, `${label}.attachments[${index}]`, attachment);
    enis.push(toTaskEni(checked.data));
  });

  const { serviceName, family: groupFamily } = splitGroup(task.group ?? undefined);
  const family = groupFamily ?? familyOfTaskDefinition(task.taskDefinitionArn ?? undefined);
  return {
    taskArn: task.taskArn,
    taskId: lastPathSegment(task.taskArn),
    clusterArn: task.clusterArn,
    clusterName: clusterNameOf(task.clusterArn),
    lastStatus: task.lastStatus,
    ...optional('desiredStatus', task.desiredStatus),
    ...optional('launchType', task.launchType),
    ...optional('group', task.group),
    ...optional('serviceName', serviceName),
    ...optional('family', family),
    ...optional('taskDefinitionArn', task.taskDefinitionArn),
    ...optional('availabilityZone', task.availabilityZone),
    version: task.version ?? 0,
    enis,
    tags: tagsOf(task.tags ?? []),
    ...optional('stoppedReason', task.stoppedReason),
    ...optional('stoppedAt', task.stoppedAt),
    ...optional('createdAt', task.createdAt),
    ...optional('containerInstanceArn', task.containerInstanceArn),
  };
}

function optional<K extends string>(key: K, value: string | null | undefined): { [P in K]?: string } {
  return value === undefined || value === null ? {} : ({ [key]: value } as { [P in K]?: string });
}

function toTaskEni(attachment: z.infer<typeof eniAttachmentSchema>): TaskEni {
  const detail = new Map<string, string>();
  for (const { name, value } of attachment.details ?? []) {
    if (typeof name === 'string' && typeof value === 'string' && value !== '') detail.set(name, value);
  }
  return {
    attachmentId: attachment.id,
    status: attachment.status,
    ...optional('networkInterfaceId', detail.get('networkInterfaceId')),
    ...optional('subnetId', detail.get('subnetId')),
    ...optional('privateIPv4Address', detail.get('privateIPv4Address')),
    ...optional('macAddress', detail.get('macAddress')),
  };
}

function splitGroup(group: string | undefined): { serviceName?: string; family?: string } {
  if (group === undefined) return {};
  const colon = group.indexOf(':');
  if (colon < 0) return {};
  const kind = group.slice(0, colon);
  const name = group.slice(colon + 1);
  if (name === '') return {};
  if (kind === 'service') return { serviceName: name };
  if (kind === 'family') return { family: name };
  return {};
}

/** Service tasks carry `service:NAME` as group, so their family is known only from the definition. */
function familyOfTaskDefinition(taskDefinitionArn: string | undefined): string | undefined {
  return taskDefinitionArn === undefined ? undefined : TASK_DEFINITION_FAMILY.exec(taskDefinitionArn)?.[1];
}

function tagsOf(pairs: readonly z.infer<typeof keyValueSchema>[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const { key, value } of pairs) {
    // defineProperty, not assignment: a tag named `__proto__` must stay a tag, not a prototype.
    if (typeof key === 'string' && key !== '') Object.defineProperty(tags, key, { value: value ?? '', enumerable: true, writable: true, configurable: true });
  }
  return tags;
}
