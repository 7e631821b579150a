import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EMULATOR_ACCOUNT_ID } from '../src/emulator/context.js';
import { POLICY_PLACEHOLDERS, type ConstructPolicies } from '../src/emulator/iam/construct-policies.js';
import type { PolicyDocument } from '../src/emulator/iam/policies.js';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from './ecs-traffic-mirror.js';
import { EcsTrafficMirrorMember, type EcsTrafficMirrorMemberProps } from './member.js';
import { DEFAULT_MEMBER_ROLE_NAME } from '../src/contract/members.js';

export type { ConstructPolicies } from '../src/emulator/iam/construct-policies.js';

/** Where the stack is deployed: what CloudFormation substitutes for the pseudo parameters. */
export interface DeploymentEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Synthesizes one EcsTrafficMirror (without bundling its code) and resolves the AWS::IAM::Policy
 * documents attached to each function's role into plain JSON: pseudo parameters become `env`,
 * and a reference to another resource of the stack becomes `<LogicalId>` / `<LogicalId.Attr>`
 * (only the log group's ARN; no EC2 or ECS call names those).
 */
export function synthesizeConstructPolicies(props: EcsTrafficMirrorProps, env: DeploymentEnv): ConstructPolicies {
  const stack = new Stack(synthesisApp(), 'Policies');
  new EcsTrafficMirror(stack, 'Mirror', props);
  const template = Template.fromStack(stack);
  return { event: rolePolicy(template, 'EventFunctionRole', env), reconcile: rolePolicy(template, 'ReconcileFunctionRole', env) };
}

/** A member role as the Member stacks of one account create it: who may assume it, what it may do. */
export interface SynthesizedMemberRole {
  readonly trustPolicy: PolicyDocument;
  readonly policies: readonly PolicyDocument[];
}

/** One Member stack of an account: its Region and the construct's props there. */
export interface MemberStackSpec {
  readonly region: string;
  readonly props: EcsTrafficMirrorMemberProps;
}

/**
 * Synthesizes the Member stacks of one account, one per Region as they are deployed (each with its
 * own props: the shared target and the filter differ by Region), and resolves the member role
 * from every stack that creates it — its AssumeRolePolicyDocument and the AWS::IAM::Policy
 * documents attached to it — with each stack's own pseudo parameters. IAM resources are global
 * (IAM User Guide, "IAM identifiers": the Region of their ARNs is blank), so one stack creates the
 * role (`createRole`); two that do are an error here, since the second deployment would find the
 * role name taken (*inferred*).
 */
export function synthesizeMemberRole(accountId: string, stacks: readonly MemberStackSpec[], partition = 'aws'): SynthesizedMemberRole {
  const app = synthesisApp();
  // Every stack first: the app synthesizes once, at the first template read.
  const built = stacks.map((spec, index) => {
    // An explicit env, as a member stack must have: the role's ARNs name its account and Region.
    const stack = new Stack(app, `Member${index}`, { env: { account: accountId, region: spec.region } });
    new EcsTrafficMirrorMember(stack, 'Member', spec.props);
    return { stack, env: { account: accountId, region: spec.region, partition } satisfies DeploymentEnv };
  });
  const trustPolicies: PolicyDocument[] = [];
  const policies: PolicyDocument[] = [];
  for (const [index, { stack, env }] of built.entries()) {
    const template = Template.fromStack(stack);
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.includes('MemberRole'));
    for (const [roleId, role] of roles) {
      trustPolicies.push(resolveCfn((role as { Properties: { AssumeRolePolicyDocument: unknown } }).Properties.AssumeRolePolicyDocument, env) as PolicyDocument);
      policies.push(policyOfRole(template, roleId, env));
    }
    // The other Regions' stacks attach their grants to the role by its name (managed policies).
    const roleName = stacks[index]?.props.roleName ?? DEFAULT_MEMBER_ROLE_NAME;
    const attached = (Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as PolicyResource[]).filter((policy) => policy.Properties.Roles.includes(roleName));
    for (const policy of attached) {
      policies.push({ Version: '2012-10-17', Statement: policy.Properties.PolicyDocument.Statement.map((statement) => resolveCfn(statement, env) as Record<string, unknown>) });
    }
  }
  if (trustPolicies.length !== 1) throw new Error(`expected one stack of account ${accountId} to create the member role, found ${trustPolicies.length}`);
  const [trustPolicy] = trustPolicies as [PolicyDocument];
  return { trustPolicy, policies };
}

function synthesisApp(): App {
  const cdkJson = JSON.parse(readFileSync(`${REPO_ROOT}/cdk.json`, 'utf8')) as { context?: Record<string, unknown> };
  // Feature flags of cdk.json, as `cdk synth` sees them; no bundling: policies do not depend on code.
  return new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
}

interface PolicyResource {
  readonly Properties: { readonly Roles: readonly unknown[]; readonly PolicyDocument: { readonly Statement: readonly unknown[] } };
}

function rolePolicy(template: Template, roleIdPart: string, env: DeploymentEnv): PolicyDocument {
  const roleIds = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) => id.includes(roleIdPart));
  if (roleIds.length !== 1) throw new Error(`expected one role matching ${roleIdPart}, found ${roleIds.length}`);
  const [roleId = ''] = roleIds;
  return policyOfRole(template, roleId, env);
}

function policyOfRole(template: Template, roleId: string, env: DeploymentEnv): PolicyDocument {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as PolicyResource[];
  const statements = policies
    .filter((policy) => policy.Properties.Roles.some((role) => (role as { Ref?: string }).Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
    .map((statement) => resolveCfn(statement, env) as Record<string, unknown>);
  return { Version: '2012-10-17', Statement: statements };
}

const PSEUDO: Readonly<Record<string, (env: DeploymentEnv) => string>> = {
  'AWS::AccountId': (env) => env.account,
  'AWS::Region': (env) => env.region,
  'AWS::Partition': (env) => env.partition,
  'AWS::URLSuffix': (env) => (env.partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com'),
};

/** Resolves `Ref`, `Fn::GetAtt` and `Fn::Join` the way CloudFormation would for these documents. */
export function resolveCfn(value: unknown, env: DeploymentEnv): unknown {
  if (Array.isArray(value)) return value.map((item) => resolveCfn(item, env));
  if (typeof value !== 'object' || value === null) return value;
  const node = value as Record<string, unknown>;
  const keys = Object.keys(node);
  if (keys.length === 1 && typeof node['Ref'] === 'string') {
    const pseudo = PSEUDO[node['Ref']];
    return pseudo ? pseudo(env) : `<${node['Ref']}>`;
  }
  if (keys.length === 1 && Array.isArray(node['Fn::GetAtt'])) return `<${(node['Fn::GetAtt'] as unknown[]).join('.')}>`;
  if (keys.length === 1 && Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolveCfn(part, env))).join(separator);
  }
  return Object.fromEntries(keys.map((key) => [key, resolveCfn(node[key], env)]));
}

/** The emulator's account, Region and partition (src/emulator/context.ts). */
export const EMULATOR_ENV: DeploymentEnv = { account: EMULATOR_ACCOUNT_ID, region: 'us-east-1', partition: 'aws' };

/** construct-policies.json as `npm run gen:policies` writes it: default props, placeholder ids. */
export function constructPoliciesFileText(): string {
  const policies = synthesizeConstructPolicies({ ...POLICY_PLACEHOLDERS }, EMULATOR_ENV);
  return `${JSON.stringify(policies, null, 2)}\n`;
}
