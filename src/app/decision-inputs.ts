import type { TargetLoad, TargetLoads } from '../core/decide.js';
import { pooledTargets, rulesNeedAzIds } from '../core/rules.js';
import type { TaskSnapshot } from '../core/task.js';
import type { AppDeps } from './deps.js';

/**
 * The AZ id of each ENI (by ENI id) of these tasks, from their attachments' subnets: one
 * DescribeSubnets per 200 subnets, and none at all unless a rule looks at AZ ids.
 */
export async function availabilityZoneIdsOf(tasks: readonly TaskSnapshot[], deps: AppDeps): Promise<ReadonlyMap<string, string>> {
  const byEni = new Map<string, string>();
  if (!rulesNeedAzIds(deps.config.rules)) return byEni;
  const subnetOf = new Map<string, string>();
  for (const task of tasks) for (const eni of task.enis) if (eni.networkInterfaceId && eni.subnetId) subnetOf.set(eni.networkInterfaceId, eni.subnetId);
  if (subnetOf.size === 0) return byEni;
  const zones = await deps.ec2.subnetAvailabilityZoneIds([...new Set(subnetOf.values())]);
  for (const [eniId, subnetId] of subnetOf) {
    const zone = zones.get(subnetId);
    if (zone !== undefined) byEni.set(eniId, zone);
  }
  return byEni;
}

/**
 * Sources and quota of every target in a pool with a choice to make (two targets or more): a
 * DescribeTrafficMirrorTargets and a count of sessions per target. A single target needs neither:
 * EC2 itself refuses a source past its quota.
 */
export async function poolLoads(deps: AppDeps): Promise<TargetLoads> {
  const pooled = pooledTargets(deps.config.rules);
  const loads = new Map<string, TargetLoad>();
  if (pooled.length === 0) return loads;
  const [targets, counts] = await Promise.all([deps.ec2.describeTargets(pooled), deps.ec2.countSourcesForTargets(pooled)]);
  const maxOf = new Map(targets.map((t) => [t.targetId, t.maxSources]));
  for (const targetId of pooled) {
    const maxSources = maxOf.get(targetId);
    loads.set(targetId, { sources: counts.get(targetId) ?? 0, ...(maxSources === undefined ? {} : { maxSources }) });
  }
  return loads;
}
