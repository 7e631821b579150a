import { clientException, invalidParameter } from '../errors.js';
import { optionalEnum, optionalObject, optionalStringList, optionalTags, requiredString, optionalString, type Input } from '../input.js';
import type { ManagedInstancesProviderRecord } from '../managed-instances.js';
import { tagList } from '../model.js';
import type { Operation } from '../runtime.js';

/**
 * ECS model (CreateCapacityProvider.name): "Up to 255 characters … letters (both upper and
 * lowercase letters), numbers, underscores (_), and hyphens (-). The name can't be prefixed with
 * "aws", "ecs", or "fargate"." (Whether the prefix check ignores case is *inferred*: it does.)
 */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const RESERVED_PREFIX = /^(aws|ecs|fargate)/i;
/** ECS model (DescribeCapacityProviders.capacityProviders): "Up to 100 capacity providers can be described in an action." */
const MAX_DESCRIBE = 100;

function required(input: Input, name: string, path: string): Input {
  const value = optionalObject(input, name);
  // inferred: the wording of ECS's message for a missing required member.
  if (value === undefined) throw invalidParameter(`${path}.${name} is required.`);
  return value;
}

/**
 * CreateCapacityProvider for Managed Instances (ECS model, CreateManagedInstancesProviderConfiguration:
 * infrastructureRoleArn and instanceLaunchTemplate required; InstanceLaunchTemplate:
 * ec2InstanceProfileArn and networkConfiguration required). Auto Scaling group providers are not
 * emulated (the emulator has no Auto Scaling), so they are refused. A Managed Instances provider
 * belongs to one cluster (ECS model, CreateCapacityProvider.cluster), so `cluster` is required here:
 * the error for its absence is *inferred*. The provider is ACTIVE at once (the model's
 * CapacityProviderStatus also has PROVISIONING: how long AWS stays there is not emulated).
 */
export const createCapacityProvider: Operation = (runtime, input) => {
  const { context, store, managedInstances } = runtime;
  const name = requiredString(input, 'name');
  if (!NAME_PATTERN.test(name) || RESERVED_PREFIX.test(name)) {
    throw invalidParameter('The capacity provider name may contain up to 255 letters, numbers, underscores and hyphens, and cannot begin with "aws", "ecs" or "fargate".');
  }
  if (optionalObject(input, 'autoScalingGroupProvider') !== undefined) {
    throw invalidParameter('The emulator serves Managed Instances capacity providers only: autoScalingGroupProvider is not emulated.');
  }
  const provider = required(input, 'managedInstancesProvider', 'createCapacityProvider');
  const clusterName = optionalString(input, 'cluster');
  if (clusterName === undefined) throw invalidParameter('cluster is required for a Managed Instances capacity provider.');
  const cluster = store.cluster(clusterName);
  // inferred: ECS refuses a second provider with a name in use (ClientException, as for other duplicates).
  if (managedInstances.find(name)) throw clientException(`The specified capacity provider already exists: ${name}.`);
  const infrastructureRoleArn = requiredString(provider, 'infrastructureRoleArn');
  const template = required(provider, 'instanceLaunchTemplate', 'managedInstancesProvider');
  const ec2InstanceProfileArn = requiredString(template, 'ec2InstanceProfileArn');
  const network = required(template, 'networkConfiguration', 'instanceLaunchTemplate');
  const subnets = optionalStringList(network, 'subnets') ?? [];
  if (subnets.length === 0) throw invalidParameter('subnets can not be empty.');
  for (const subnetId of subnets) {
    if (!context.network.subnets.has(subnetId)) {
      throw invalidParameter(`Error retrieving subnet information for [${subnetId}]: The subnet ID '${subnetId}' does not exist`);
    }
  }
  const requirements = optionalObject(template, 'instanceRequirements');
  const record: ManagedInstancesProviderRecord = {
    sequence: store.nextSequence(),
    name,
    arn: `arn:aws:ecs:${context.region}:${context.accountId}:capacity-provider/${name}`,
    cluster,
    infrastructureRoleArn,
    ec2InstanceProfileArn,
    subnets: [...new Set(subnets)],
    securityGroups: optionalStringList(network, 'securityGroups') ?? [],
    allowedInstanceTypes: (requirements && optionalStringList(requirements, 'allowedInstanceTypes')) ?? [],
    propagateTags: optionalEnum(provider, 'propagateTags', ['CAPACITY_PROVIDER', 'NONE'] as const) ?? 'NONE',
    raw: provider,
    tags: new Map((optionalTags(input, 'tags') ?? []).map((tag) => [tag.key, tag.value])),
    instances: [],
  };
  managedInstances.add(record);
  return { capacityProvider: capacityProviderView(record, true) };
};

/** DescribeCapacityProviders: the named providers (FARGATE and FARGATE_SPOT are not listed: not emulated), MISSING for the others. */
export const describeCapacityProviders: Operation = (runtime, input) => {
  const references = optionalStringList(input, 'capacityProviders');
  if (references !== undefined && references.length > MAX_DESCRIBE) throw invalidParameter(`At most ${MAX_DESCRIBE} capacity providers can be described at once.`);
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  const clusterName = optionalString(input, 'cluster');
  const cluster = clusterName === undefined ? undefined : runtime.store.cluster(clusterName);
  const all = runtime.managedInstances.all().filter((provider) => cluster === undefined || provider.cluster === cluster);
  if (references === undefined) return { capacityProviders: all.map((provider) => capacityProviderView(provider, includeTags)), failures: [] };
  const capacityProviders: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const reference of new Set(references)) {
    const provider = runtime.managedInstances.find(reference);
    if (provider && all.includes(provider)) capacityProviders.push(capacityProviderView(provider, includeTags));
    // ECS Developer Guide, "API failure reasons": MISSING, the resource was not found.
    else failures.push({ arn: reference, reason: 'MISSING' });
  }
  return { capacityProviders, failures };
};

/** ECS model, CapacityProvider: type MANAGED_INSTANCES (CapacityProviderType), the provider as created. */
function capacityProviderView(provider: ManagedInstancesProviderRecord, includeTags: boolean): Record<string, unknown> {
  return {
    capacityProviderArn: provider.arn,
    name: provider.name,
    cluster: provider.cluster.clusterName,
    status: 'ACTIVE',
    type: 'MANAGED_INSTANCES',
    managedInstancesProvider: { ...provider.raw, propagateTags: provider.propagateTags },
    updateStatus: 'CREATE_COMPLETE',
    ...(includeTags ? { tags: tagList(provider.tags) } : {}),
  };
}
