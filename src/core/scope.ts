import { clusterNameOf, type TaskSnapshot } from './task.js';
import { CLUSTER_ARN_PATTERN, ECS_NAME_PATTERN } from '../contract/ids.js';

/** Which tasks are mirrored; every empty list (or empty object) means "all". */
export interface ScopeConfig {
  /** Cluster names or ARNs. */
  readonly clusters: readonly string[];
  /** ECS service names. */
  readonly services: readonly string[];
  /** Task definition families. */
  readonly families: readonly string[];
  /** FARGATE, EC2, EXTERNAL, …; compared case-insensitively. */
  readonly launchTypes: readonly string[];
  /** key = value pairs that must all be on the task. */
  readonly requiredTags: Readonly<Record<string, string>>;
}

export const ALL_IN_SCOPE: ScopeConfig = Object.freeze({
  clusters: Object.freeze([]),
  services: Object.freeze([]),
  families: Object.freeze([]),
  launchTypes: Object.freeze([]),
  requiredTags: Object.freeze({}),
});


/** A scope entry that cannot name anything in ECS (a typo such as `api;worker`): why, or undefined when valid. */
export function invalidScopeName(kind: 'cluster' | 'service' | 'family', value: string): string | undefined {
  if (kind === 'cluster' && (ECS_NAME_PATTERN.test(value) || CLUSTER_ARN_PATTERN.test(value))) return undefined;
  if (kind !== 'cluster' && ECS_NAME_PATTERN.test(value)) return undefined;
  const what = kind === 'cluster' ? 'a valid cluster name or cluster ARN' : kind === 'service' ? 'a valid service name' : 'a valid task definition family';
  return `'${value}' is not ${what} (up to 255 letters, digits, hyphens and underscores${kind === 'cluster' ? ', or arn:aws:ecs:<region>:<account>:cluster/<name>' : ''})`;
}

export type ScopeDecision = { readonly inScope: true } | { readonly inScope: false; readonly reason: string };

const IN_SCOPE: ScopeDecision = Object.freeze({ inScope: true });

/**
 * Decides whether a task is mirrored. Checks run cluster → launch type → service → family →
 * tags, and the first that fails gives the reason, so the reason names the broadest mismatch.
 */
export function checkScope(task: TaskSnapshot, scope: ScopeConfig): ScopeDecision {
  if (scope.clusters.length > 0 && !scope.clusters.some((entry) => matchesCluster(task, entry))) {
    return outOfScope(`cluster '${task.clusterName}' is not in MIRROR_CLUSTERS`);
  }
  if (scope.launchTypes.length > 0) {
    const launchType = task.launchType?.toUpperCase();
    if (launchType === undefined) return outOfScope('launch type is unknown and MIRROR_LAUNCH_TYPES is set');
    if (!scope.launchTypes.some((entry) => entry.toUpperCase() === launchType)) {
      return outOfScope(`launch type '${task.launchType}' is not in MIRROR_LAUNCH_TYPES`);
    }
  }
  if (scope.services.length > 0) {
    if (task.serviceName === undefined) {
      return outOfScope(`task is not part of a service (group '${task.group ?? 'none'}') and MIRROR_SERVICES is set`);
    }
    if (!scope.services.includes(task.serviceName)) return outOfScope(`service '${task.serviceName}' is not in MIRROR_SERVICES`);
  }
  if (scope.families.length > 0) {
    if (task.family === undefined) return outOfScope('task definition family is unknown and MIRROR_FAMILIES is set');
    if (!scope.families.includes(task.family)) return outOfScope(`family '${task.family}' is not in MIRROR_FAMILIES`);
  }
  // Tags are known only where the caller supplied them (DescribeTasks); events carry none, so a
  // caller that scopes by tag must describe the task first, or every event task is out of scope.
  for (const [key, value] of Object.entries(scope.requiredTags)) {
    if (!Object.hasOwn(task.tags, key)) return outOfScope(`task lacks the required tag '${key}=${value}'`);
    if (task.tags[key] !== value) return outOfScope(`tag '${key}' is '${task.tags[key] ?? ''}', not the required '${value}'`);
  }
  return IN_SCOPE;
}

/** An ARN entry must match the cluster ARN exactly (same account, same region); a name matches by name. */
function matchesCluster(task: TaskSnapshot, entry: string): boolean {
  return entry.startsWith('arn:') ? entry === task.clusterArn : clusterNameOf(entry) === task.clusterName;
}

function outOfScope(reason: string): ScopeDecision {
  return { inScope: false, reason };
}
