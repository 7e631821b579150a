import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from '../../infra/ecs-traffic-mirror.js';
import { flattenCfnReference } from '../../infra/nag-acknowledgements.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TARGET_ID = 'tmt-0123456789abcdef0';
export const FILTER_ID = 'tmf-0123456789abcdef0';

/** The feature flags of cdk.json, so that tests see what `cdk synth` deploys. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}/cdk.json`, 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/**
 * A stack with one EcsTrafficMirror. Its Lambda code is the prebuilt bundles in dist/lambda, which
 * the test setup builds (test/global-setup.ts): synthesis only copies them.
 */
export function mirrorStack(
  props: EcsTrafficMirrorProps | ((stack: Stack) => EcsTrafficMirrorProps),
): {
  app: App;
  stack: Stack;
  mirror: EcsTrafficMirror;
} {
  const app = new App({ context: cdkJsonContext() });
  const stack = new Stack(app, 'Test');
  const mirror = new EcsTrafficMirror(stack, 'Mirror', typeof props === 'function' ? props(stack) : props);
  return { app, stack, mirror };
}

/** An IAM statement with tokens flattened the way cdk-nag names them (`arn:<AWS::Partition>:…`). */
export interface FlatStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

/** `arn:<AWS::Partition>:<service>:<AWS::Region>:<AWS::AccountId>:<resource>`, as in an env-agnostic stack. */
export function arn(service: string, resource: string): string {
  return `arn:<AWS::Partition>:${service}:<AWS::Region>:<AWS::AccountId>:${resource}`;
}

function asArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function flattenCondition(condition: unknown): FlatStatement['Condition'] {
  if (condition === undefined) return undefined;
  const result: Record<string, Record<string, string | string[]>> = {};
  for (const [operator, keys] of Object.entries(condition as Record<string, Record<string, unknown>>)) {
    result[operator] = {};
    for (const [key, value] of Object.entries(keys)) {
      result[operator][key] = Array.isArray(value) ? value.map(flattenCfnReference) : flattenCfnReference(value);
    }
  }
  return result;
}

interface RawStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

/** Every statement of every AWS::IAM::Policy attached to the role whose logical ID contains `roleIdPart`. */
export function statementsOfRole(template: Template, roleIdPart: string): FlatStatement[] {
  const roles = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes(roleIdPart));
  if (roles.length !== 1) throw new Error(`expected one role matching ${roleIdPart}, found ${roles.join(', ') || 'none'}`);
  const roleId = roles[0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Array<{
    Properties: { Roles: Array<{ Ref: string }>; PolicyDocument: { Statement: RawStatement[] } };
  }>;
  return policies
    .filter((policy) => policy.Properties.Roles.some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .map((statement) => ({
      ...(statement.Sid === undefined ? {} : { Sid: statement.Sid }),
      Effect: statement.Effect,
      Action: asArray(statement.Action),
      Resource: asArray(statement.Resource as unknown).map(flattenCfnReference),
      ...(statement.Condition === undefined ? {} : { Condition: flattenCondition(statement.Condition) }),
    }));
}

/** Every statement of every IAM policy in the template (policies, managed policies and inline role policies). */
export function allStatements(template: Template): FlatStatement[] {
  const policies = { ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') };
  const fromPolicies = Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: RawStatement[] } } }).Properties.PolicyDocument.Statement,
  );
  const fromRoles = Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
    ((role as { Properties: { Policies?: Array<{ PolicyDocument: { Statement: RawStatement[] } }> } }).Properties.Policies ?? [])
      .flatMap((policy) => policy.PolicyDocument.Statement),
  );
  return [...fromPolicies, ...fromRoles].map((statement) => ({
    Effect: statement.Effect,
    Action: asArray(statement.Action),
    Resource: asArray(statement.Resource as unknown).map(flattenCfnReference),
  }));
}

/** The statements that grant `action`. */
export function granting(statements: readonly FlatStatement[], action: string): FlatStatement[] {
  return statements.filter((statement) => statement.Effect === 'Allow' && statement.Action.includes(action));
}

/**
 * Render a resolved `Fn::Join` as text, with `Ref` / `Fn::GetAtt` as `REF(…)` and literal text left
 * untouched (unlike cdk-nag's flattening, which rewrites braces), e.g. to parse a dashboard body.
 */
export function renderJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  const join = node['Fn::Join'];
  if (Array.isArray(join)) return (join[1] as unknown[]).map(renderJoin).join(join[0] as string);
  if (node['Ref'] !== undefined) return `REF(${String(node['Ref'])})`;
  const getAtt = node['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `REF(${getAtt.join('.')})`;
  return JSON.stringify(value);
}

/** Actions that only read: allowed on Resource "*". */
export const READ_ONLY_ACTION = /^[a-z0-9-]+:(Describe|List|Get)[A-Za-z]*$/;
