import { taskDefinitionArn } from '../arns.js';
import { clientException, invalidParameter } from '../errors.js';
import {
  optionalBoolean,
  optionalEnum,
  optionalInteger,
  optionalObjectList,
  optionalString,
  optionalStringList,
  optionalTags,
  requiredString,
  type Input,
} from '../input.js';
import {
  LAUNCH_TYPES,
  NETWORK_MODES,
  tagList,
  type ContainerDefinitionRecord,
  type LaunchType,
  type TaskDefinitionRecord,
} from '../model.js';
import type { Operation } from '../runtime.js';
import { checkFargateSize } from '../fargate-sizes.js';
import { taskDefinitionView } from '../views.js';

/** ECS model (RegisterTaskDefinition.family): "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens". */
const FAMILY_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

function readContainerDefinition(raw: Input): ContainerDefinitionRecord {
  const name = optionalString(raw, 'name');
  const image = optionalString(raw, 'image');
  if (!name) throw clientException('Container.name should not be null or empty.');
  if (!image) throw clientException('Container.image should not be null or empty.');
  return {
    name,
    image,
    cpu: optionalInteger(raw, 'cpu', 0, 1_048_576),
    memory: optionalInteger(raw, 'memory', 4, 1_048_576),
    essential: optionalBoolean(raw, 'essential') ?? true,
    // Echoed back as registered, with ECS's defaults for the members it always reports.
    raw: { cpu: 0, portMappings: [], essential: true, environment: [], mountPoints: [], volumesFrom: [], ...raw },
  };
}

/**
 * ECS model (RegisterTaskDefinition.networkMode, cpu, memory): Fargate needs awsvpc and task-level
 * cpu and memory of a supported size; EC2 runs any definition. The messages are ECS's (observed).
 */
function checkFargateRequirements(networkMode: string, cpu: string | undefined, memory: string | undefined): void {
  if (networkMode !== 'awsvpc') throw clientException("Fargate only supports network mode 'awsvpc'.");
  if (cpu === undefined) throw clientException("Fargate requires that 'cpu' be defined at the task level.");
  if (memory === undefined) throw clientException("Fargate requires that 'memory' be defined at the task level.");
  checkFargateSize(cpu, memory);
}

export const registerTaskDefinition: Operation = (runtime, input) => {
  const family = requiredString(input, 'family');
  if (!FAMILY_PATTERN.test(family)) {
    throw clientException('Family contains invalid characters: up to 255 letters, numbers, hyphens and underscores are allowed.');
  }
  const rawContainers = optionalObjectList(input, 'containerDefinitions');
  if (!rawContainers || rawContainers.length === 0) throw clientException('Container list cannot be empty.');
  const containerDefinitions = rawContainers.map(readContainerDefinition);
  const names = new Set(containerDefinitions.map((container) => container.name));
  if (names.size !== containerDefinitions.length) throw clientException('Container names must be unique.');
  const networkMode = optionalEnum(input, 'networkMode', NETWORK_MODES) ?? 'bridge';
  const requested = optionalStringList(input, 'requiresCompatibilities') ?? [];
  const requiresCompatibilities = requested.map((value): LaunchType => {
    const launchType = LAUNCH_TYPES.find((candidate) => candidate === value);
    if (!launchType) throw invalidParameter(`requiresCompatibilities must be one of ${LAUNCH_TYPES.join(', ')}.`);
    return launchType;
  });
  const cpu = optionalString(input, 'cpu');
  const memory = optionalString(input, 'memory');
  if (requiresCompatibilities.includes('FARGATE')) checkFargateRequirements(networkMode, cpu, memory);
  const fargateCompatible = networkMode === 'awsvpc' && cpu !== undefined && memory !== undefined;
  const store = runtime.store;
  const revision = store.nextRevision(family);
  const tags = new Map((optionalTags(input, 'tags') ?? []).map((tag) => [tag.key, tag.value]));
  const definition: TaskDefinitionRecord = {
    taskDefinitionArn: taskDefinitionArn(runtime.context, family, revision),
    family,
    revision,
    networkMode,
    requiresCompatibilities,
    compatibilities: [
      'EC2',
      ...(fargateCompatible ? (['FARGATE'] as const) : []),
      // ECS Developer Guide, "Amazon ECS task networking for Amazon ECS Managed Instances": the
      // network mode must be given and be awsvpc or host. That ECS lists MANAGED_INSTANCES among
      // such a definition's compatibilities is *inferred*.
      ...(networkMode === 'awsvpc' || networkMode === 'host' ? (['MANAGED_INSTANCES'] as const) : []),
    ],
    cpu,
    memory,
    taskRoleArn: optionalString(input, 'taskRoleArn'),
    executionRoleArn: optionalString(input, 'executionRoleArn'),
    containerDefinitions,
    registeredAt: runtime.context.now(),
    tags,
  };
  store.addTaskDefinition(definition);
  return { taskDefinition: taskDefinitionView(definition, runtime.context), tags: tagList(tags) };
};

export const describeTaskDefinition: Operation = (runtime, input) => {
  const reference = requiredString(input, 'taskDefinition');
  const definition = runtime.store.findTaskDefinition(reference);
  if (!definition) throw clientException('Unable to describe task definition.');
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  return {
    taskDefinition: taskDefinitionView(definition, runtime.context),
    tags: includeTags ? tagList(definition.tags) : undefined,
  };
};
