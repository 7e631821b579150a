import {
  containerInstancesToDescribe,
  enisToType,
  instancesToDescribe,
  unsupportedHostReason,
  type ContainerInstanceFact,
  type DoorReadFailures,
  type HostFacts,
} from '../core/door.js';
import { asMirrorError, type MirrorError } from '../core/errors.js';
import { DESCRIBE_TASKS_LIMIT, type TaskEni, type TaskSnapshot } from '../core/task.js';
import type { AppDeps } from './deps.js';

export interface GatheredHostFacts extends HostFacts {
  /** Container instances ECS answered MISSING for. */
  readonly missingInstances: ReadonlySet<string>;
}

/** The facts read, and the reads that failed (each task depending on one is left unresolved). */
export interface ReadHostFacts extends GatheredHostFacts {
  readonly failures: DoorReadFailures<MirrorError>;
}

/**
 * The facts that resolve the doors of these tasks, read once for a whole batch or sweep: one
 * DescribeContainerInstances per cluster per 100 instances, then one DescribeInstances (primary
 * ENIs of bridge/host tasks' instances) and one DescribeNetworkInterfaces (types of awsvpc ENIs on
 * instances), each only when some task needs it — a Fargate-only batch makes no call at all.
 * `alsoInstances`: more container instances to describe, by cluster (the sweep's instance sessions).
 * A failed read is kept against what it was to read, so that the event path fails only the events
 * whose door depends on it (see doorReadFailureOf); the others go on.
 */
export async function readHostFacts(tasks: readonly TaskSnapshot[], deps: AppDeps, alsoInstances: ReadonlyMap<string, readonly string[]> = new Map()): Promise<ReadHostFacts> {
  const wanted = containerInstancesToDescribe(tasks);
  for (const [cluster, arns] of alsoInstances) wanted.set(cluster, [...new Set([...(wanted.get(cluster) ?? []), ...arns])]);
  const containerInstances = new Map<string, ContainerInstanceFact>();
  const missingInstances = new Set<string>();
  const failures = { containerInstances: new Map<string, MirrorError>(), instances: new Map<string, MirrorError>(), interfaceTypes: new Map<string, MirrorError>() };
  const failAll = (into: Map<string, MirrorError>, keys: readonly string[], error: unknown) => {
    const failure = asMirrorError(error);
    for (const key of keys) into.set(key, failure);
  };
  if (wanted.size > 0) {
    try {
      const ecs = await deps.ecs();
      await Promise.all(
        [...wanted].map(async ([cluster, arns]) => {
          for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_LIMIT) {
            const chunk = arns.slice(start, start + DESCRIBE_TASKS_LIMIT);
            try {
              const described = await ecs.describeContainerInstances(cluster, chunk);
              for (const instance of described.instances) containerInstances.set(instance.containerInstanceArn, instance);
              for (const arn of described.missing) missingInstances.add(arn);
            } catch (error) {
              failAll(failures.containerInstances, chunk, error);
            }
          }
        }),
      );
    } catch (error) {
      failAll(failures.containerInstances, [...wanted.values()].flat(), error);
    }
  }
  const instanceIds = instancesToDescribe(tasks, { containerInstances });
  const eniIds = enisToType(tasks);
  const read = async (ids: readonly string[], into: Map<string, MirrorError>, call: (ids: readonly string[]) => Promise<ReadonlyMap<string, string>>) => {
    if (ids.length === 0) return new Map<string, string>();
    try {
      return await call(ids);
    } catch (error) {
      failAll(into, ids, error);
      return new Map<string, string>();
    }
  };
  const [primaryEnis, interfaceTypes] = await Promise.all([
    read(instanceIds, failures.instances, (ids) => deps.ec2.primaryNetworkInterfaces(ids)),
    read(eniIds, failures.interfaceTypes, (ids) => deps.ec2.networkInterfaceTypes(ids)),
  ]);
  return { containerInstances, missingInstances, primaryEnis, interfaceTypes, failures };
}

/**
 * As readHostFacts, for the sweep: a failed read fails the whole sweep (MirrorError), as a door
 * left unresolved must be retried, not taken for absent (an instance session would look orphaned).
 */
export async function gatherHostFacts(tasks: readonly TaskSnapshot[], deps: AppDeps, alsoInstances: ReadonlyMap<string, readonly string[]> = new Map()): Promise<GatheredHostFacts> {
  const { failures, ...facts } = await readHostFacts(tasks, deps, alsoInstances);
  const failure = [failures.containerInstances, failures.instances, failures.interfaceTypes].flatMap((map) => [...map.values()])[0];
  if (failure !== undefined) throw failure;
  return facts;
}

/**
 * Container instances this process found unable to mirror (NetworkInterfaceNotSupported on a
 * create on a known door of it), so the next task on one costs no create. Per AppDeps, which an
 * entry point builds once per process; the sweep also learns them from the unsupported task tag.
 */
const unsupportedHostsByDeps = new WeakMap<AppDeps, Map<string, string>>();

export function unsupportedHosts(deps: AppDeps): ReadonlyMap<string, string> {
  return unsupportedHostsByDeps.get(deps) ?? new Map();
}

/**
 * Remembers the host of an ENI that EC2 refused as a source, when the refusal is the host's: an
 * ENI of known type `interface` or the instance's own ENI (a branch ENI never gets this far, and
 * an ENI of unknown type might be one).
 */
export function rememberUnsupportedHost(deps: AppDeps, task: TaskSnapshot, networkInterfaceId: string): void {
  const eni: TaskEni | undefined = task.enis.find((candidate) => candidate.networkInterfaceId === networkInterfaceId);
  const host = eni?.containerInstanceArn ?? task.containerInstanceArn;
  if (host === undefined || (eni?.door !== 'task-eni' && eni?.door !== 'instance-eni')) return;
  let hosts = unsupportedHostsByDeps.get(deps);
  if (hosts === undefined) unsupportedHostsByDeps.set(deps, (hosts = new Map()));
  hosts.set(host, unsupportedHostReason(host));
}
