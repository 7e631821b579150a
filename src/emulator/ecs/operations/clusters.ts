import { clusterArn } from '../arns.js';
import { invalidParameter } from '../errors.js';
import { optionalInteger, optionalObjectList, optionalString, optionalStringList, optionalTags, type Input } from '../input.js';
import type { ClusterRecord } from '../model.js';
import { paginate } from '../paging.js';
import type { EcsRuntime, Operation } from '../runtime.js';
import { DEFAULT_CLUSTER } from '../store.js';
import { clusterView } from '../views.js';

const MAX_DESCRIBE_CLUSTERS = 100;

function activeServicesCount(runtime: EcsRuntime, cluster: ClusterRecord): number {
  return runtime.store.allServices().filter((service) => service.cluster === cluster && service.status === 'ACTIVE').length;
}

function view(runtime: EcsRuntime, cluster: ClusterRecord, includeTags: boolean): Record<string, unknown> {
  // ECS model (Cluster.registeredContainerInstancesCount): ACTIVE and DRAINING instances.
  const registered = runtime.capacity.all().filter((record) => record.cluster === cluster && record.status !== 'INACTIVE').length;
  return clusterView(cluster, runtime.store.allTasks(), activeServicesCount(runtime, cluster), includeTags, registered);
}

function readSettings(input: Input): ClusterRecord['settings'] {
  const settings = optionalObjectList(input, 'settings') ?? [];
  const parsed = settings.map((setting) => ({
    name: optionalString(setting, 'name') ?? 'containerInsights',
    value: optionalString(setting, 'value') ?? 'disabled',
  }));
  return parsed.length > 0 ? parsed : [{ name: 'containerInsights', value: 'disabled' }];
}

/** Creating an existing cluster answers it unchanged, as ECS does. */
export const createCluster: Operation = (runtime, input) => {
  const name = optionalString(input, 'clusterName') ?? DEFAULT_CLUSTER;
  const tags = new Map((optionalTags(input, 'tags') ?? []).map((tag) => [tag.key, tag.value]));
  const cluster = runtime.store.createCluster(name, readSettings(input), tags);
  return { cluster: view(runtime, cluster, true) };
};

export const listClusters: Operation = (runtime, input) => {
  // ECS model (ListClusters.maxResults): "between 1 and 100", default "up to 100 results".
  const maxResults = optionalInteger(input, 'maxResults', 1, 100) ?? 100;
  const page = paginate(runtime.store.allClusters(), (cluster) => cluster.sequence, maxResults, optionalString(input, 'nextToken'));
  return { clusterArns: page.items.map((cluster) => cluster.clusterArn), nextToken: page.nextToken };
};

export const describeClusters: Operation = (runtime, input) => {
  const references = optionalStringList(input, 'clusters') ?? [DEFAULT_CLUSTER];
  // ECS model (DescribeClusters.clusters): "A list of up to 100 cluster names or full cluster ARN entries";
  // the InvalidParameterException code is inferred.
  if (references.length > MAX_DESCRIBE_CLUSTERS) {
    throw invalidParameter(`At most ${MAX_DESCRIBE_CLUSTERS} clusters can be described at once.`);
  }
  const includeTags = (optionalStringList(input, 'include') ?? []).includes('TAGS');
  const clusters: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const reference of references) {
    const cluster = runtime.store.findCluster(reference);
    if (cluster) clusters.push(view(runtime, cluster, includeTags));
    else {
      const arn = reference.startsWith('arn:') ? reference : clusterArn(runtime.context, reference);
      failures.push({ arn, reason: 'MISSING' });
    }
  }
  return { clusters, failures };
};
