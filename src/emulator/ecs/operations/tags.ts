import { isInScope, parseEcsArn } from '../arns.js';
import { clusterNotFound, invalidParameter, resourceNotFound } from '../errors.js';
import { MAX_TAGS, optionalStringList, optionalTags, requiredString } from '../input.js';
import { tagList } from '../model.js';
import type { EcsRuntime, Operation } from '../runtime.js';

// At most MAX_TAGS (ECS model). TagResource also lists LimitExceededException; which of the two
// codes ECS answers past the limit is not documented: inferred.

/** The tag map of the resource an ARN names: a cluster, service, task, task definition or container instance. */
export function tagsOf(runtime: EcsRuntime, resourceArn: string): Map<string, string> {
  const { store } = runtime;
  const arn = parseEcsArn(resourceArn);
  if (!arn || !isInScope(arn, runtime.context)) throw invalidParameter('The ARN provided is invalid.');
  switch (arn.resourceType) {
    case 'cluster': {
      const cluster = store.findCluster(resourceArn);
      if (!cluster) throw clusterNotFound();
      return cluster.tags;
    }
    case 'service': {
      // Long format `service/<cluster>/<name>`; the old `service/<name>` lives in `default`.
      const clusterName = arn.path.length === 2 ? arn.path[0] : 'default';
      const cluster = store.findCluster(clusterName);
      if (!cluster) throw clusterNotFound();
      const service = store.findService(cluster, resourceArn);
      if (!service) throw resourceNotFound('The specified service was not found.');
      return service.tags;
    }
    case 'task': {
      const task = store.findTask(resourceArn);
      if (!task) throw resourceNotFound('The specified task was not found.');
      return task.tags;
    }
    case 'task-definition': {
      const definition = store.findTaskDefinition(resourceArn);
      if (!definition) throw resourceNotFound('The specified task definition was not found.');
      return definition.tags;
    }
    case 'container-instance': {
      const record = runtime.capacity.find(resourceArn);
      if (!record) throw resourceNotFound('The specified container instance was not found.');
      return record.tags;
    }
    default:
      throw invalidParameter('The ARN provided is invalid.');
  }
}

export const tagResource: Operation = (runtime, input) => {
  const tags = tagsOf(runtime, requiredString(input, 'resourceArn'));
  const added = optionalTags(input, 'tags') ?? [];
  const merged = new Map(tags);
  for (const tag of added) merged.set(tag.key, tag.value);
  if (merged.size > MAX_TAGS) throw invalidParameter(`A resource can have at most ${MAX_TAGS} tags.`);
  for (const tag of added) tags.set(tag.key, tag.value);
  return {};
};

export const untagResource: Operation = (runtime, input) => {
  const tags = tagsOf(runtime, requiredString(input, 'resourceArn'));
  const keys = optionalStringList(input, 'tagKeys');
  // ECS model: UntagResource requires tagKeys; each is a TagKey of 1..128 characters.
  if (keys === undefined) throw invalidParameter('tagKeys can not be blank.');
  if (keys.some((key) => key.length < 1 || key.length > 128)) throw invalidParameter('Tag keys must be between 1 and 128 characters.');
  for (const key of keys) tags.delete(key);
  return {};
};

export const listTagsForResource: Operation = (runtime, input) => ({
  tags: tagList(tagsOf(runtime, requiredString(input, 'resourceArn'))),
});
