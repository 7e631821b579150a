import { ApiError } from '../context.js';
import type { NetworkRegistry } from '../network.js';
import {
  dryRunOperation,
  eniNotFound,
  filterNotFound,
  filterRuleNotFound,
  sessionNotFound,
  targetNotFound,
} from './errors.js';
import { compileFilters, exactValues } from './filters.js';
import { paginate, type Page, type PageRequest } from './paging.js';
import type { Ec2Filter } from './params.js';

/** Tag storage as both a Map (mirror resources) and an ENI's tag record can offer it. */
export interface TagBag {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  delete(key: string): void;
  entries(): Iterable<[string, string]>;
  readonly size: number;
}

export interface TaggedResource {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly tags: TagBag;
}

export type TagDescriptionView = {
  readonly resourceId: string;
  readonly resourceType: string;
  readonly key: string;
  readonly value: string;
};

/** EC2 model (CreateTags): "Each resource can have a maximum of 50 tags"; the code is TagLimitExceeded (EC2 error codes). */
export const MAX_TAGS_PER_RESOURCE = 50;

/**
 * Tags of every taggable resource the emulator's EC2 knows: mirror resources register here when
 * created; ENIs belong to the shared NetworkRegistry and are adapted on the fly.
 */
export class TagRegistry {
  private readonly resources = new Map<string, TaggedResource>();

  constructor(private readonly network: NetworkRegistry) {}

  register(resourceId: string, resourceType: string, tags: TagBag): void {
    this.resources.set(resourceId, { resourceId, resourceType, tags });
  }

  unregister(resourceId: string): void {
    this.resources.delete(resourceId);
  }

  find(resourceId: string): TaggedResource | undefined {
    const own = this.resources.get(resourceId);
    if (own) return own;
    const eni = this.network.enis.get(resourceId);
    return eni ? { resourceId, resourceType: 'network-interface', tags: recordBag(eni.tags) } : undefined;
  }

  *all(): Iterable<TaggedResource> {
    yield* this.resources.values();
    for (const eni of this.network.enis.values()) {
      yield { resourceId: eni.networkInterfaceId, resourceType: 'network-interface', tags: recordBag(eni.tags) };
    }
  }

  createTags(resourceIds: readonly string[], tags: readonly { key: string; value: string }[], dryRun = false): void {
    const resources = resourceIds.map((id) => this.require(id));
    for (const resource of resources) {
      const newKeys = new Set(tags.map((tag) => tag.key).filter((key) => resource.tags.get(key) === undefined));
      if (resource.tags.size + newKeys.size > MAX_TAGS_PER_RESOURCE) {
        throw new ApiError('TagLimitExceeded', `The maximum number of tags for resource '${resource.resourceId}' has been reached.`);
      }
    }
    if (dryRun) throw dryRunOperation();
    for (const resource of resources) for (const tag of tags) resource.tags.set(tag.key, tag.value);
  }

  /** Without tags: delete all; a tag with a value deletes only when the value matches. */
  deleteTags(resourceIds: readonly string[], tags: readonly { key: string; value?: string }[], dryRun = false): void {
    const resources = resourceIds.map((id) => this.require(id));
    if (dryRun) throw dryRunOperation();
    for (const resource of resources) {
      if (tags.length === 0) {
        for (const [key] of [...resource.tags.entries()]) resource.tags.delete(key);
        continue;
      }
      for (const tag of tags) {
        if (tag.value === undefined || resource.tags.get(tag.key) === tag.value) resource.tags.delete(tag.key);
      }
    }
  }

  describeTags(filters: readonly Ec2Filter[], request: PageRequest): Page<TagDescriptionView> {
    const matches = compileFilters<TagDescriptionView>(filters, {
      fields: {
        key: (tag) => tag.key,
        value: (tag) => tag.value,
        'resource-id': (tag) => tag.resourceId,
        'resource-type': (tag) => tag.resourceType,
      },
    });
    const ids = exactValues(filters, 'resource-id');
    const resources = ids
      ? ids.map((id) => this.find(id)).filter((resource): resource is TaggedResource => resource !== undefined)
      : this.all();
    return paginate('tags', flattenTags(resources), matches, request);
  }

  private require(resourceId: string): TaggedResource {
    const resource = this.find(resourceId);
    if (!resource) throw notFoundFor(resourceId);
    return resource;
  }
}

function* flattenTags(resources: Iterable<TaggedResource>): Iterable<TagDescriptionView> {
  for (const resource of resources) {
    for (const [key, value] of resource.tags.entries()) {
      yield { resourceId: resource.resourceId, resourceType: resource.resourceType, key, value };
    }
  }
}

function notFoundFor(resourceId: string): ApiError {
  const prefix = resourceId.split('-')[0];
  switch (prefix) {
    case 'tms':
      return sessionNotFound(resourceId);
    case 'tmt':
      return targetNotFound(resourceId);
    case 'tmf':
      return filterNotFound(resourceId);
    case 'tmfr':
      return filterRuleNotFound(resourceId);
    case 'eni':
      return eniNotFound(resourceId);
    default:
      // EC2 error codes: InvalidID, "The specified ID for the resource you are trying to tag is not valid."
      return new ApiError('InvalidID', `The ID '${resourceId}' is not valid`);
  }
}

/** An ENI's tag record (owned by the shared NetworkRegistry) seen as a TagBag. */
function recordBag(record: Record<string, string>): TagBag {
  return {
    get: (key) => (Object.hasOwn(record, key) ? record[key] : undefined),
    // defineProperty, so that a key such as `__proto__` stays an ordinary tag.
    set: (key, value) => {
      Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
    },
    delete: (key) => {
      delete record[key];
    },
    entries: () => Object.entries(record),
    get size() {
      return Object.keys(record).length;
    },
  };
}
