import { Duration } from 'aws-cdk-lib';
import { EcsTrafficMirrorConfigError } from './config-error.js';
import type { EcsTrafficMirrorProps, UnsupportedEniPolicy } from './ecs-traffic-mirror.js';

/** Reads one CDK context value (`app.node.tryGetContext`). */
export type ContextReader = (key: string) => unknown;

/** What `infra/app.ts` builds, read from CDK context (`-c key=value` or cdk.json). */
export interface AppConfig {
  /** CloudFormation stack name (context `stackName`). */
  readonly stackName: string;
  /** Props of the mirror, except those that need a scope (the alarm topic). */
  readonly mirror: EcsTrafficMirrorProps;
  /** ARN of an SNS topic for alarm notifications (context `alarmTopicArn`). */
  readonly alarmTopicArn?: string;
  /** Run the cdk-nag AwsSolutions checks on synth (context `nag=true`). */
  readonly nag: boolean;
}

/**
 * Read and check the app's context. Throws {@link EcsTrafficMirrorConfigError} with a one-line
 * message naming the key when something is missing or malformed.
 */
export function readAppConfig(get: ContextReader): AppConfig {
  const targetId = optionalString(get, 'targetId');
  const filterId = optionalString(get, 'filterId');
  const missing = [targetId === undefined ? 'targetId' : undefined, filterId === undefined ? 'filterId' : undefined]
    .filter((key): key is string => key !== undefined);
  if (missing.length > 0) {
    throw new EcsTrafficMirrorConfigError(
      `missing context ${missing.join(' and ')}: run npx cdk deploy -c targetId=tmt-… -c filterId=tmf-… [-c clusters=a,b] (see docs/deploy.md)`,
    );
  }

  const unsupportedPolicy = optionalString(get, 'unsupportedPolicy');
  if (unsupportedPolicy !== undefined && unsupportedPolicy !== 'report' && unsupportedPolicy !== 'stop-task') {
    throw new EcsTrafficMirrorConfigError(`context unsupportedPolicy: must be 'report' or 'stop-task' (got '${unsupportedPolicy}')`);
  }
  const stopWindowMinutes = optionalInteger(get, 'stopWindowMinutes');
  const reconcileMinutes = optionalInteger(get, 'reconcileMinutes');
  const alarmTopicArn = optionalString(get, 'alarmTopicArn');
  const alarmEmail = optionalString(get, 'alarmEmail');
  const sourceSubnetIds = list(get, 'sourceSubnetIds');
  const sourceVpcIds = list(get, 'sourceVpcIds');

  return {
    stackName: optionalString(get, 'stackName') ?? 'EcsTrafficMirror',
    nag: optionalBoolean(get, 'nag') ?? false,
    ...(alarmTopicArn === undefined ? {} : { alarmTopicArn }),
    mirror: {
      targetId,
      filterId,
      clusters: list(get, 'clusters'),
      services: list(get, 'services'),
      families: list(get, 'families'),
      launchTypes: list(get, 'launchTypes').map((launchType) => launchType.toUpperCase()),
      unsupportedPolicy: unsupportedPolicy as UnsupportedEniPolicy | undefined,
      maxStopsPerService: optionalInteger(get, 'maxStopsPerService'),
      stopWindow: stopWindowMinutes === undefined ? undefined : Duration.minutes(stopWindowMinutes),
      sessionNumber: optionalInteger(get, 'sessionNumber'),
      virtualNetworkId: optionalInteger(get, 'virtualNetworkId'),
      packetLength: optionalInteger(get, 'packetLength'),
      reconcileSchedule: reconcileMinutes === undefined ? undefined : reconcileMinutes === 0 ? false : Duration.minutes(reconcileMinutes),
      ...(alarmEmail === undefined ? {} : { alarmEmail }),
      ...(sourceSubnetIds.length === 0 ? {} : { sourceSubnetIds }),
      ...(sourceVpcIds.length === 0 ? {} : { sourceVpcIds }),
    },
  };
}

function optionalString(get: ContextReader, key: string): string | undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new EcsTrafficMirrorConfigError(`context ${key}: expected a string (got ${JSON.stringify(value)})`);
  }
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

function list(get: ContextReader, key: string): string[] {
  const value = get(key);
  if (value === undefined || value === null) return [];
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (items === undefined || items.some((item) => typeof item !== 'string')) {
    throw new EcsTrafficMirrorConfigError(`context ${key}: expected a comma-separated list (got ${JSON.stringify(value)})`);
  }
  return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
}

function optionalInteger(get: ContextReader, key: string): number | undefined {
  const text = optionalString(get, key);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) {
    throw new EcsTrafficMirrorConfigError(`context ${key}: expected a whole number (got '${text}')`);
  }
  return Number(text);
}

function optionalBoolean(get: ContextReader, key: string): boolean | undefined {
  const value = get(key);
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new EcsTrafficMirrorConfigError(`context ${key}: expected true or false (got ${JSON.stringify(value)})`);
}
