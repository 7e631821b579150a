import { Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Why each wildcard resource of our hand-written statements is acceptable, by statement Sid.
 * cdk-nag (AwsSolutions-IAM5) reports every resource that contains '*'; each is acknowledged with
 * the reason of the statement it belongs to.
 */
const WILDCARD_REASONS: Readonly<Record<string, string>> = {
  DescribeTrafficMirrorSessions:
    'ec2:DescribeTrafficMirrorSessions supports no resource-level permissions; the Service Authorization Reference requires Resource "*".',
  CreateSessionFromTaskEni:
    'Task ENIs are created by ECS at task start, so their IDs are unknown here; target and filter are pinned to their ARNs by CreateSessionToTarget, which CreateTrafficMirrorSession also needs, and the sourceSubnetIds/sourceVpcIds props add an ec2:Subnet/ec2:Vpc condition.',
  CreateOnlyManagedSessions:
    'Session IDs do not exist before creation; the statement only allows sessions whose request carries the tag ecs-traffic-mirror:managed=true.',
  TagSessionsAtCreation:
    'Session IDs do not exist before creation; ec2:CreateAction=CreateTrafficMirrorSession limits tagging to sessions being created.',
  DeleteOnlyManagedSessions:
    'Orphaned session IDs are found at run time; aws:ResourceTag/ecs-traffic-mirror:managed=true limits deletion to sessions this product created.',
  ModifyOnlyManagedSessions:
    'The sessions to bring in line with the rules are found at run time; aws:ResourceTag/ecs-traffic-mirror:managed=true limits ModifyTrafficMirrorSession to sessions this product created, and ModifySessionToTarget pins the targets and filters.',
  DescribeForRules:
    'ec2:DescribeTrafficMirrorTargets and ec2:DescribeSubnets support no resource-level permissions; the Service Authorization Reference requires Resource "*". Granted only when the rules have pools or look at AZ ids.',
  TagUnsupportedTasks:
    'Task IDs are unknown before tasks start; the ARN pattern is limited to the configured clusters (all clusters of the account only when none is configured) and aws:TagKeys to ecs-traffic-mirror:* keys.',
  StopUnsupportedServiceTasks:
    'Task IDs are unknown before tasks start; the ecs:cluster condition limits StopTask to the configured clusters (none configured = every cluster of the account, by design of the props).',
  ListTasksInScope:
    'ecs:ListTasks on a cluster is authorized against Resource "*" (its only resource type is container-instance); the ecs:cluster condition scopes it to the configured clusters.',
  DescribeTasksInScope:
    'Task IDs are unknown before tasks start; the ecs:cluster condition scopes DescribeTasks to the configured clusters.',
  DescribeContainerInstancesInScope:
    'Container instances register at run time, so their IDs are unknown here; the ecs:cluster condition scopes DescribeContainerInstances to the configured clusters.',
  DescribeInstancesAndInterfaces:
    'ec2:DescribeInstances and ec2:DescribeNetworkInterfaces support no resource-level permissions; the Service Authorization Reference requires Resource "*". Read to find an instance\'s primary ENI and to tell branch ENIs from task ENIs.',
  CheckTargetAndFilter:
    'ec2:DescribeTrafficMirrorTargets and ec2:DescribeTrafficMirrorFilters support no resource-level permissions; the Service Authorization Reference requires Resource "*". Read-only: the CLI checks a member\'s target and filter exist before it sweeps.',
  ListClusters: 'ecs:ListClusters supports no resource-level permissions; it needs Resource "*".',
  AssumeMemberRole:
    'The hub assumes the member role in every member account, which are known only at run time (MIRROR_MEMBERS); the ARN pattern names the one role, and aws:ResourceOrgID limits it to the organization\'s accounts.',
};

/**
 * Acknowledge, on `scope`, the AwsSolutions-IAM5 finding of every wildcard resource in `statements`,
 * each with its statement's reason. Throws when a statement with a wildcard has no known reason, so
 * a new wildcard cannot slip in without one.
 */
export function acknowledgeWildcardResources(scope: IConstruct, statements: readonly iam.PolicyStatement[]): void {
  const stack = Stack.of(scope);
  const seen = new Set<string>();
  for (const statement of statements) {
    for (const resource of statement.resources) {
      const flat = flattenCfnReference(stack.resolve(resource));
      if (!flat.includes('*')) continue;
      const id = `AwsSolutions-IAM5[Resource::${flat}]`;
      if (seen.has(id)) continue;
      const reason = statement.sid === undefined ? undefined : WILDCARD_REASONS[statement.sid];
      if (reason === undefined) {
        throw new Error(`No cdk-nag reason recorded for wildcard resource ${flat} (statement ${statement.sid ?? '<no Sid>'})`);
      }
      seen.add(id);
      Validations.of(scope).acknowledge({ id, reason });
    }
  }
}

/**
 * Render a resolved CloudFormation value the way cdk-nag names findings: `Fn::Join` concatenated,
 * `Ref` and `Fn::GetAtt` as `<Name>` / `<Resource.Attribute>`.
 */
export function flattenCfnReference(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof value === 'object' && value !== null) {
    const node = value as Record<string, unknown>;
    const join = node['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenCfnReference).join(delimiter);
    }
    if (node['Fn::Sub'] !== undefined) return flattenCfnReference(node['Fn::Sub']);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) {
      return `<${flattenCfnReference(getAtt[0])}.${flattenCfnReference(getAtt[1])}>`;
    }
    if (node['Fn::ImportValue'] !== undefined) return flattenCfnReference(node['Fn::ImportValue']);
    if (node['Ref'] !== undefined) return `<${flattenCfnReference(node['Ref'])}>`;
  }
  return JSON.stringify(value);
}
