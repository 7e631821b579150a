import type { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { MANAGED_TAG, MANAGED_TAG_VALUE, TAG_KEY_PREFIX } from '../src/contract/tags.js';
import type { ClusterScope } from './cluster-scope.js';


/** What the least-privilege statements are built from. */
export interface MirrorPermissionInputs {
  /** The stack whose account and Region the ARNs are built in. */
  readonly stack: Stack;
  /** The clusters in scope. */
  readonly clusters: ClusterScope;
  /** Every Traffic Mirror target ID (`tmt-…`) the configuration and rules can choose, possibly tokens. */
  readonly targetIds: readonly string[];
  /** Every Traffic Mirror filter ID (`tmf-…`) they can choose, possibly tokens. */
  readonly filterIds: readonly string[];
  /** Rules with pools of two targets or more: their quotas are read (DescribeTrafficMirrorTargets). */
  readonly describeTargets?: boolean;
  /** Rules that look at AZ ids: each ENI's subnet is described (DescribeSubnets). */
  readonly describeSubnets?: boolean;
  /**
   * The account that owns the targets, when they are shared with this one through AWS RAM: their
   * ARNs name the owner's account (an ARN always does).
   * @default - the stack's account
   */
  readonly targetOwnerAccountId?: string;
  /** Only ENIs in these subnets may be mirror sources (subnet ARNs); empty: any. */
  readonly sourceSubnetArns?: readonly string[];
  /** Only ENIs in these VPCs may be mirror sources (VPC ARNs); empty: any. */
  readonly sourceVpcArns?: readonly string[];
}

/**
 * Statements of the event Lambda: create a session per task ENI, check each event's task with
 * ECS (DescribeTasks, in every mode: the event path asks ECS before acting and whether a task
 * whose ENI EC2 does not see has stopped), tag tasks whose ENI cannot be mirrored, and only with
 * `stopTasks` list and stop them.
 */
export function eventFunctionStatements(inputs: MirrorPermissionInputs, stopTasks: boolean): iam.PolicyStatement[] {
  const statements = [
    describeSessions(),
    ...describeForRules(inputs),
    ...createManagedSessions(inputs),
    ...modifyManagedSessions(inputs),
    describeTasks(inputs),
    ...hostReads(inputs),
    tagUnsupportedTasks(inputs),
  ];
  if (stopTasks) {
    statements.push(stopServiceTasks(inputs), listTasks(inputs));
  }
  return statements;
}

/**
 * Statements of the reconcile Lambda: list in-scope tasks, create missing sessions, bring drifted
 * ones to their rule in place, delete orphaned
 * sessions that carry our ownership tag, and tag tasks whose ENI cannot be mirrored.
 */
export function reconcileFunctionStatements(inputs: MirrorPermissionInputs): iam.PolicyStatement[] {
  return [
    describeSessions(),
    ...describeForRules(inputs),
    ...createManagedSessions(inputs),
    ...modifyManagedSessions(inputs),
    deleteManagedSessions(inputs),
    tagUnsupportedTasks(inputs),
    new iam.PolicyStatement({
      sid: 'ListClusters',
      // ecs:ListClusters supports no resource-level permission: the Service Authorization Reference lists no resource type.
      actions: ['ecs:ListClusters'],
      resources: ['*'],
    }),
    listTasks(inputs),
    describeTasks(inputs),
    ...hostReads(inputs),
  ];
}

/**
 * Door resolution on EC2 capacity: a task's container instance (its EC2 instance id), the
 * instance's primary ENI, and whether a task ENI is a branch ENI. The Service Authorization
 * Reference gives DescribeContainerInstances the resource type container-instance with the
 * ecs:cluster condition key; EC2's Describe* actions take no resource-level permission ('*').
 */
function hostReads(inputs: MirrorPermissionInputs): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'DescribeContainerInstancesInScope',
      actions: ['ecs:DescribeContainerInstances'],
      resources: [inputs.stack.formatArn({ service: 'ecs', resource: 'container-instance', resourceName: '*' })],
      conditions: clusterCondition(inputs),
    }),
    new iam.PolicyStatement({
      sid: 'DescribeInstancesAndInterfaces',
      actions: ['ec2:DescribeInstances', 'ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }),
  ];
}

function ec2Arn(stack: Stack, resource: string, resourceName: string): string {
  return stack.formatArn({ service: 'ec2', resource, resourceName });
}

function describeSessions(): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DescribeTrafficMirrorSessions',
    // EC2 Describe* actions support no resource-level permissions, so the resource must be '*'.
    actions: ['ec2:DescribeTrafficMirrorSessions'],
    resources: ['*'],
  });
}

function sourceCondition(inputs: MirrorPermissionInputs): Record<string, Record<string, unknown>> | undefined {
  // ec2:Subnet and ec2:Vpc are condition keys of the network-interface resource of
  // CreateTrafficMirrorSession (Service Authorization Reference), both ARN-typed.
  const keys: Record<string, unknown> = {
    ...(inputs.sourceSubnetArns?.length ? { 'ec2:Subnet': [...inputs.sourceSubnetArns] } : {}),
    ...(inputs.sourceVpcArns?.length ? { 'ec2:Vpc': [...inputs.sourceVpcArns] } : {}),
  };
  return Object.keys(keys).length === 0 ? undefined : { ArnEquals: keys };
}

function createManagedSessions(inputs: MirrorPermissionInputs): iam.PolicyStatement[] {
  const { stack } = inputs;
  return [
    new iam.PolicyStatement({
      sid: 'CreateSessionFromTaskEni',
      // CreateTrafficMirrorSession is authorized against the source ENI, the target, the filter and
      // the new session, each separately. The ENI is any task's (unknown before the task starts),
      // within the source subnets/VPCs when given: that condition needs a statement of its own,
      // since the target's and filter's authorizations carry no ec2:Subnet key and would fail it.
      actions: ['ec2:CreateTrafficMirrorSession'],
      resources: [ec2Arn(stack, 'network-interface', '*')],
      conditions: sourceCondition(inputs),
    }),
    new iam.PolicyStatement({
      sid: 'CreateSessionToTarget',
      // ...to the pinned targets with the pinned filters (the defaults and those the rules name).
      actions: ['ec2:CreateTrafficMirrorSession'],
      resources: targetAndFilterArns(inputs),
    }),
    new iam.PolicyStatement({
      sid: 'CreateOnlyManagedSessions',
      // ...and against the new session itself: only one that carries our ownership tag.
      actions: ['ec2:CreateTrafficMirrorSession'],
      resources: [ec2Arn(stack, 'traffic-mirror-session', '*')],
      conditions: { StringEquals: { [`aws:RequestTag/${MANAGED_TAG}`]: MANAGED_TAG_VALUE } },
    }),
    new iam.PolicyStatement({
      sid: 'TagSessionsAtCreation',
      // TagSpecifications of CreateTrafficMirrorSession need ec2:CreateTags; never on existing sessions.
      actions: ['ec2:CreateTags'],
      resources: [ec2Arn(stack, 'traffic-mirror-session', '*')],
      conditions: { StringEquals: { 'ec2:CreateAction': 'CreateTrafficMirrorSession' } },
    }),
  ];
}

function targetAndFilterArns(inputs: MirrorPermissionInputs): string[] {
  return [
    ...inputs.targetIds.map((id) =>
      inputs.targetOwnerAccountId === undefined
        ? ec2Arn(inputs.stack, 'traffic-mirror-target', id)
        : inputs.stack.formatArn({ service: 'ec2', account: inputs.targetOwnerAccountId, resource: 'traffic-mirror-target', resourceName: id }),
    ),
    ...inputs.filterIds.map((id) => ec2Arn(inputs.stack, 'traffic-mirror-filter', id)),
  ];
}

/**
 * ModifyTrafficMirrorSession is authorized against the session and, when it changes them, the new
 * target and filter (Service Authorization Reference): only sessions with our ownership tag, as
 * for Delete, and only to the pinned targets and filters, as for Create.
 */
function modifyManagedSessions(inputs: MirrorPermissionInputs): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'ModifyOnlyManagedSessions',
      actions: ['ec2:ModifyTrafficMirrorSession'],
      resources: [ec2Arn(inputs.stack, 'traffic-mirror-session', '*')],
      conditions: { StringEquals: { [`aws:ResourceTag/${MANAGED_TAG}`]: MANAGED_TAG_VALUE } },
    }),
    new iam.PolicyStatement({
      sid: 'ModifySessionToTarget',
      actions: ['ec2:ModifyTrafficMirrorSession'],
      resources: targetAndFilterArns(inputs),
    }),
  ];
}

/** Only when the rules need them: the quotas of pool targets, the AZ ids of subnets. */
function describeForRules(inputs: MirrorPermissionInputs): iam.PolicyStatement[] {
  const actions = [...(inputs.describeTargets ? ['ec2:DescribeTrafficMirrorTargets'] : []), ...(inputs.describeSubnets ? ['ec2:DescribeSubnets'] : [])];
  if (actions.length === 0) return [];
  return [
    new iam.PolicyStatement({
      sid: 'DescribeForRules',
      // EC2 Describe* actions support no resource-level permissions, so the resource must be '*'.
      actions,
      resources: ['*'],
    }),
  ];
}

function deleteManagedSessions(inputs: MirrorPermissionInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DeleteOnlyManagedSessions',
    actions: ['ec2:DeleteTrafficMirrorSession'],
    resources: [ec2Arn(inputs.stack, 'traffic-mirror-session', '*')],
    conditions: { StringEquals: { [`aws:ResourceTag/${MANAGED_TAG}`]: MANAGED_TAG_VALUE } },
  });
}

function tagUnsupportedTasks(inputs: MirrorPermissionInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'TagUnsupportedTasks',
    // ecs:TagResource documents no ecs:cluster condition key, so the task ARN pattern
    // (task/<cluster-name>/*) does the cluster scoping; the tag keys are limited to ours.
    actions: ['ecs:TagResource'],
    resources: [...inputs.clusters.taskArnPatterns],
    conditions: { 'ForAllValues:StringLike': { 'aws:TagKeys': [`${TAG_KEY_PREFIX}*`] } },
  });
}

function clusterCondition(inputs: MirrorPermissionInputs): Record<string, Record<string, unknown>> | undefined {
  return inputs.clusters.allClusters ? undefined : { ArnEquals: { 'ecs:cluster': [...inputs.clusters.clusterArns] } };
}

function allTasksInAccount(inputs: MirrorPermissionInputs): string {
  return inputs.stack.formatArn({ service: 'ecs', resource: 'task', resourceName: '*' });
}

function stopServiceTasks(inputs: MirrorPermissionInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'StopUnsupportedServiceTasks',
    actions: ['ecs:StopTask'],
    resources: [allTasksInAccount(inputs)],
    conditions: clusterCondition(inputs),
  });
}

function listTasks(inputs: MirrorPermissionInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ListTasksInScope',
    // ListTasks on a whole cluster is authorized against resource '*' (its only resource type is
    // container-instance); the ecs:cluster condition does the scoping.
    actions: ['ecs:ListTasks'],
    resources: ['*'],
    conditions: clusterCondition(inputs),
  });
}

function describeTasks(inputs: MirrorPermissionInputs): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DescribeTasksInScope',
    actions: ['ecs:DescribeTasks'],
    resources: [allTasksInAccount(inputs)],
    conditions: clusterCondition(inputs),
  });
}

/**
 * A member role's grants: what the event and the reconcile Lambdas need in one account, together
 * (the hub's two functions share the one role a member offers), each statement once.
 */
export function memberRoleStatements(inputs: MirrorPermissionInputs, stopTasks: boolean): iam.PolicyStatement[] {
  const bySid = new Map<string, iam.PolicyStatement>();
  for (const statement of [...eventFunctionStatements(inputs, stopTasks), ...reconcileFunctionStatements(inputs)]) {
    if (statement.sid !== undefined && !bySid.has(statement.sid)) bySid.set(statement.sid, statement);
  }
  // `ecs-mirror status|reconcile --role-name` checks each member's target and filter before it
  // sweeps, so that a missing one fails that member alone, naming the variable.
  const check = new iam.PolicyStatement({
    sid: 'CheckTargetAndFilter',
    actions: ['ec2:DescribeTrafficMirrorTargets', 'ec2:DescribeTrafficMirrorFilters'],
    resources: ['*'],
  });
  return [...bySid.values(), check];
}

/**
 * The hub's Lambdas act in members only through the member role: sts:AssumeRole on that role's
 * name in any account, and only in accounts of the organization (aws:ResourceOrgID, a global
 * condition key of the role being assumed). Nothing in the hub's own account is granted.
 */
export function assumeMemberRoleStatements(stack: Stack, roleName: string, organizationId: string): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: 'AssumeMemberRole',
      actions: ['sts:AssumeRole'],
      resources: [stack.formatArn({ service: 'iam', region: '', account: '*', resource: 'role', resourceName: roleName })],
      conditions: { StringEquals: { 'aws:ResourceOrgID': organizationId } },
    }),
  ];
}
