/**
 * A faithful TypeScript port of the seed's Python Lambda (/work/shared/seed/000_…txt), bugs
 * included, so that the benchmark can run it against the emulator next to ours:
 * - rejects events that are not `aws.ecs` / `ECS Task State Change` (raises);
 * - splits `resources[0]` on '/' for cluster and task id (old-format ARNs raise IndexError);
 * - acts only when `lastStatus == ACTIVATING`, for each ATTACHED `eni` attachment;
 * - DescribeTrafficMirrorSessions(network-interface-id, MaxResults 5): any session at all counts
 *   as "already exists" (outside the try: a describe error fails the invocation);
 * - else CreateTrafficMirrorSession(SessionNumber 1, no ClientToken) and on a ClientError:
 *   `InvalidNetworkInterfaceID.NotFound` → log and drop; `NetworkInterfaceNotSupportedException`
 *   → StopTask (EC2 answers `NetworkInterfaceNotSupported`, so this never matches — kept);
 *   anything else (throttling above all) → log and drop.
 *
 * boto3 clients are created inside the handler, i.e. per invocation; so are these. They retry as
 * boto3 does by default, botocore's `legacy` mode (5 attempts, rand × 2^(n−1) s between them,
 * RequestLimitExceeded and 5xx retried): the SDK's own retry is off (maxAttempts 1) and every call
 * goes through `withBotocoreLegacyRetry` (./botocore-legacy-retry.ts, which cites botocore's source).
 */
import {
  CreateTrafficMirrorSessionCommand,
  DescribeTrafficMirrorSessionsCommand,
  EC2Client,
  EC2ServiceException,
} from '@aws-sdk/client-ec2';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { BOTOCORE_LEGACY_MAX_ATTEMPTS, withBotocoreLegacyRetry, type LegacyRetryDeps } from './botocore-legacy-retry.js';

export interface SeedLambdaEnv {
  readonly TrafficMirrorFilter?: string;
  readonly TrafficMirrorTarget?: string;
}

export interface SeedClientSettings {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What the seed logs, as categories, so the benchmark can count them. */
export type SeedLogKind = 'already-exists' | 'creating' | 'created' | 'eni-not-present' | 'killing-task' | 'error-dropped';

export interface SeedLambdaContext {
  readonly env: SeedLambdaEnv;
  readonly aws: SeedClientSettings;
  readonly log: (kind: SeedLogKind, detail: string) => void;
  /** botocore's retry: its random draws and sleeps (the benchmark passes Math.random and setTimeout). */
  readonly retry: LegacyRetryDeps;
}

/** boto3's default (legacy) mode: 5 attempts in all. */
export const SEED_MAX_ATTEMPTS = BOTOCORE_LEGACY_MAX_ATTEMPTS;

/** Python's KeyError / IndexError / TypeError on the event's shape: the invocation fails. */
export class SeedPythonError extends Error {
  override readonly name = 'SeedPythonError';
}

type Json = Record<string, unknown>;

/** `d[key]` in Python: a missing key raises. */
function item(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !(key in value)) throw new SeedPythonError(`KeyError: '${key}'`);
  return (value as Json)[key];
}

/** `d.get(key)` in Python. */
function get(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json)[key] : undefined;
}

/** `for x in value` in Python: None and non-iterables raise. */
function iterate(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new SeedPythonError(`TypeError: '${value === undefined || value === null ? 'NoneType' : typeof value}' object is not iterable`);
  return value;
}

/** `s.split('/')[i]` in Python: out of range raises. */
function splitAt(value: unknown, index: number): string {
  const part = String(value).split('/')[index];
  if (part === undefined) throw new SeedPythonError('IndexError: list index out of range');
  return part;
}

export async function seedLambdaHandler(event: unknown, context: SeedLambdaContext): Promise<void> {
  const TrafficMirrorFilter = context.env.TrafficMirrorFilter;
  const TrafficMirrorTarget = context.env.TrafficMirrorTarget;
  // One attempt per send: the retries are botocore's, below.
  const sdk = { ...context.aws, maxAttempts: 1 };
  const ec2 = new EC2Client(sdk);
  const ecs = new ECSClient(sdk);
  const describeSessions = (command: DescribeTrafficMirrorSessionsCommand) => withBotocoreLegacyRetry('ec2', () => ec2.send(command), context.retry);
  const createSession = (command: CreateTrafficMirrorSessionCommand) => withBotocoreLegacyRetry('ec2', () => ec2.send(command), context.retry);
  const stopTask = (command: StopTaskCommand) => withBotocoreLegacyRetry('ecs', () => ecs.send(command), context.retry);
  try {
    if (item(event, 'source') !== 'aws.ecs' || item(event, 'detail-type') !== 'ECS Task State Change') {
      throw new Error('Function only supports input from events with a source type of: aws.ecs');
    }
    const detail = item(event, 'detail');
    const resources = iterate(item(event, 'resources'));
    const TaskId = splitAt(resources[0], 2);
    const Cluster = splitAt(resources[0], 1);
    for (const attachment of iterate(item(detail, 'attachments'))) {
      if (get(attachment, 'status') !== 'ATTACHED' || get(attachment, 'type') !== 'eni') continue;
      for (const property of iterate(get(attachment, 'details'))) {
        if (item(property, 'name') !== 'networkInterfaceId' || item(detail, 'lastStatus') !== 'ACTIVATING') continue;
        const eniId = String(item(property, 'value'));
        // Outside any try in the seed: a throttled describe fails the whole invocation.
        const existing =
          (
            await describeSessions(
              new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: [eniId] }], MaxResults: 5 }),
            )
          ).TrafficMirrorSessions ?? [];
        if (existing.length > 0) {
          context.log('already-exists', `TrafficMirrorSession for interface ${eniId} already exists`);
          continue;
        }
        context.log('creating', `Creating TrafficMirrorSession for interface ${eniId}`);
        try {
          await createSession(
            new CreateTrafficMirrorSessionCommand({
              NetworkInterfaceId: eniId,
              TrafficMirrorTargetId: TrafficMirrorTarget,
              TrafficMirrorFilterId: TrafficMirrorFilter,
              SessionNumber: 1,
              Description: 'Traffic mirror Source created by lambda',
              TagSpecifications: [{ ResourceType: 'traffic-mirror-session', Tags: [{ Key: 'Name', Value: `Session for interface ${eniId}` }] }],
              DryRun: false,
            }),
          );
          context.log('created', eniId);
        } catch (error) {
          // `except ClientError`: only service answers are caught; anything else fails the invocation.
          if (!(error instanceof EC2ServiceException)) throw error;
          if (error.name === 'InvalidNetworkInterfaceID.NotFound') {
            context.log('eni-not-present', `Eni not present yet ${eniId}`);
          } else if (error.name === 'NetworkInterfaceNotSupportedException') {
            await stopTask(
              new StopTaskCommand({
                cluster: Cluster,
                task: TaskId,
                reason: 'killed by lambda due to not spawned on nitro instance for trafficmirror reasons',
              }),
            );
            context.log('killing-task', `Killing Task: ${TaskId} on Cluster ${Cluster}`);
          } else {
            context.log('error-dropped', `Error for ${eniId} is Code: ${error.name} Message: ${error.message}`);
          }
        }
      }
    }
  } finally {
    ec2.destroy();
    ecs.destroy();
  }
}
