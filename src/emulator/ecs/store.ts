import { clusterArn, isInScope, parseEcsArn, type ArnScope } from './arns.js';
import { clusterNotFound, invalidParameter } from './errors.js';
import type { ClusterRecord, ServiceRecord, TaskDefinitionRecord, TaskRecord } from './model.js';

export const DEFAULT_CLUSTER = 'default';
/** ECS model (CreateCluster.clusterName): "Up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens". */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Every ECS resource of the emulated account, indexed the ways the API looks them up: clusters
 * by name, task definitions by family and revision, services by cluster and name, tasks by ARN
 * and by id.
 */
export class EcsStore {
  private sequence = 0;
  private readonly clusters = new Map<string, ClusterRecord>();
  private readonly families = new Map<string, TaskDefinitionRecord[]>();
  private readonly services = new Map<string, ServiceRecord>();
  private readonly tasksByArn = new Map<string, TaskRecord>();
  private readonly tasksById = new Map<string, TaskRecord>();

  constructor(readonly scope: ArnScope) {}

  nextSequence(): number {
    return ++this.sequence;
  }

  // Clusters

  createCluster(name: string, settings: ClusterRecord['settings'], tags: ReadonlyMap<string, string>): ClusterRecord {
    if (!NAME_PATTERN.test(name)) {
      throw invalidParameter('Cluster name may contain up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens.');
    }
    const existing = this.clusters.get(name);
    if (existing) return existing;
    const cluster: ClusterRecord = {
      sequence: this.nextSequence(),
      clusterName: name,
      clusterArn: clusterArn(this.scope, name),
      settings,
      tags: new Map(tags),
    };
    this.clusters.set(name, cluster);
    return cluster;
  }

  allClusters(): ClusterRecord[] {
    return [...this.clusters.values()];
  }

  /** The cluster a request names (short name or ARN), or undefined when there is none. */
  findCluster(reference: string | undefined): ClusterRecord | undefined {
    const name = this.clusterNameOf(reference ?? DEFAULT_CLUSTER);
    return name === undefined ? undefined : this.clusters.get(name);
  }

  /** As findCluster, but a missing cluster is ClusterNotFoundException. */
  cluster(reference: string | undefined): ClusterRecord {
    const cluster = this.findCluster(reference);
    if (!cluster) throw clusterNotFound();
    return cluster;
  }

  /** For calls that start tasks: AWS creates the `default` cluster the first time it is used. */
  clusterOrDefault(reference: string | undefined): ClusterRecord {
    if (reference === undefined || reference === DEFAULT_CLUSTER) {
      return this.createCluster(DEFAULT_CLUSTER, [{ name: 'containerInsights', value: 'disabled' }], new Map());
    }
    return this.cluster(reference);
  }

  clusterNameOf(reference: string): string | undefined {
    if (!reference.startsWith('arn:')) return reference;
    const arn = parseEcsArn(reference);
    if (!arn || arn.resourceType !== 'cluster' || arn.path.length !== 1 || !isInScope(arn, this.scope)) return undefined;
    return arn.path[0];
  }

  // Task definitions

  addTaskDefinition(definition: TaskDefinitionRecord): void {
    const revisions = this.families.get(definition.family) ?? [];
    revisions.push(definition);
    this.families.set(definition.family, revisions);
  }

  nextRevision(family: string): number {
    return (this.families.get(family)?.length ?? 0) + 1;
  }

  /** `family`, `family:revision` or a task definition ARN; undefined when there is no such revision. */
  findTaskDefinition(reference: string): TaskDefinitionRecord | undefined {
    let familyAndRevision = reference;
    if (reference.startsWith('arn:')) {
      const arn = parseEcsArn(reference);
      if (!arn || arn.resourceType !== 'task-definition' || !isInScope(arn, this.scope)) return undefined;
      familyAndRevision = arn.path.join('/');
    }
    const [family = '', revisionText] = familyAndRevision.split(':');
    const revisions = this.families.get(family);
    if (!revisions) return undefined;
    if (revisionText === undefined) return revisions[revisions.length - 1];
    const revision = Number(revisionText);
    return Number.isInteger(revision) ? revisions[revision - 1] : undefined;
  }

  // Services

  putService(service: ServiceRecord): void {
    this.services.set(serviceKey(service.cluster, service.serviceName), service);
  }

  /** A service of this cluster by name or ARN (long `service/<cluster>/<name>` or old `service/<name>`). */
  findService(cluster: ClusterRecord, reference: string): ServiceRecord | undefined {
    let name = reference;
    if (reference.startsWith('arn:')) {
      const arn = parseEcsArn(reference);
      if (!arn || arn.resourceType !== 'service' || !isInScope(arn, this.scope)) return undefined;
      if (arn.path.length === 2 && arn.path[0] !== cluster.clusterName) return undefined;
      name = arn.path[arn.path.length - 1] ?? '';
    }
    return this.services.get(serviceKey(cluster, name));
  }

  allServices(): ServiceRecord[] {
    return [...this.services.values()];
  }

  // Tasks

  addTask(task: TaskRecord): void {
    this.tasksByArn.set(task.taskArn, task);
    this.tasksById.set(task.taskId, task);
  }

  forgetTask(task: TaskRecord): void {
    this.tasksByArn.delete(task.taskArn);
    this.tasksById.delete(task.taskId);
  }

  /** A task by ARN or id; with a cluster, only a task of that cluster. */
  findTask(reference: string, cluster?: ClusterRecord): TaskRecord | undefined {
    const task = reference.startsWith('arn:') ? this.tasksByArn.get(reference) : this.tasksById.get(reference);
    if (!task || (cluster && task.cluster !== cluster)) return undefined;
    return task;
  }

  /** Tasks in creation order (the order ListTasks pages through). */
  allTasks(): IterableIterator<TaskRecord> {
    return this.tasksByArn.values();
  }
}

const serviceKey = (cluster: ClusterRecord, name: string): string => `${cluster.clusterName}/${name}`;
