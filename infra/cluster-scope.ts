import { Stack, Token } from 'aws-cdk-lib';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { EcsTrafficMirrorConfigError } from './config-error.js';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { CLUSTER_ARN_PATTERN, ECS_NAME_PATTERN } from '../src/contract/ids.js';

/** A cluster given by name (`prod`), by ARN (`arn:aws:ecs:eu-west-1:123456789012:cluster/prod`) or as a construct. */
export type ClusterReference = string | ecs.ICluster;

/** The clusters the product acts on, in the forms that event patterns and IAM policies need. */
export interface ClusterScope {
  /** True when no cluster was configured: every cluster in the account and Region is in scope. */
  readonly allClusters: boolean;
  /** One ARN per configured cluster (empty when `allClusters`). */
  readonly clusterArns: readonly string[];
  /**
   * Task ARN patterns: `arn:…:task/<cluster-name>/*` per configured cluster, or `arn:…:task/*` when
   * `allClusters`.
   */
  readonly taskArnPatterns: readonly string[];
}


/**
 * ECS Task State Change events reach EventBridge only in the task's own account and Region, and
 * the Lambdas' clients call their own Region: a cluster elsewhere would be silently never
 * mirrored. Refused when the stack's account and Region are known at synth; an
 * environment-agnostic stack cannot tell (its pseudo parameters resolve at deploy).
 */
function refuseOtherEnvironment(stack: Stack, cluster: string, partition: string, region: string, account: string): void {
  const stackPartition = !Token.isUnresolved(stack.partition)
    ? stack.partition
    : Token.isUnresolved(stack.region)
      ? undefined
      : RegionInfo.get(stack.region).partition;
  if (stackPartition !== undefined && partition !== stackPartition) {
    throw new EcsTrafficMirrorConfigError(
      `clusters: '${cluster}' is in partition ${partition}, but this stack deploys to ${stackPartition}: its events and ARNs would never match`,
    );
  }
  if (!Token.isUnresolved(stack.region) && region !== stack.region) {
    throw new EcsTrafficMirrorConfigError(
      `clusters: '${cluster}' is in Region ${region}, but this stack deploys to ${stack.region}: task events of a cluster reach only its own Region; deploy one stack per Region`,
    );
  }
  if (!Token.isUnresolved(stack.account) && account !== stack.account) {
    throw new EcsTrafficMirrorConfigError(
      `clusters: '${cluster}' is in account ${account}, but this stack deploys to ${stack.account}: task events of a cluster reach only its own account; deploy the stack in that account`,
    );
  }
}

/**
 * Resolve configured clusters into ARNs and task ARN patterns. Names are turned into ARNs in the
 * stack's own account and Region, where the EventBridge rule and the Lambdas live.
 */
export function resolveClusterScope(stack: Stack, clusters: readonly ClusterReference[]): ClusterScope {
  if (clusters.length === 0) {
    return {
      allClusters: true,
      clusterArns: [],
      taskArnPatterns: [stack.formatArn({ service: 'ecs', resource: 'task', resourceName: '*' })],
    };
  }
  const clusterArns: string[] = [];
  const taskArnPatterns: string[] = [];
  const seen = new Set<string>();
  for (const cluster of clusters) {
    // A name or ARN given twice, or the same construct twice (its ARN token stringifies the same).
    const key = typeof cluster === 'string' ? cluster : cluster.clusterArn;
    if (seen.has(key)) continue;
    seen.add(key);
    const { arn, taskArnPattern } = resolveCluster(stack, cluster);
    clusterArns.push(arn);
    taskArnPatterns.push(taskArnPattern);
  }
  return { allClusters: false, clusterArns, taskArnPatterns };
}

function resolveCluster(stack: Stack, cluster: ClusterReference): { arn: string; taskArnPattern: string } {
  if (typeof cluster !== 'string') {
    // An imported cluster with a literal ARN is handled like that ARN (its own account and Region).
    if (!Token.isUnresolved(cluster.clusterArn)) return resolveCluster(stack, cluster.clusterArn);
    return {
      arn: cluster.clusterArn,
      taskArnPattern: stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` }),
    };
  }
  if (Token.isUnresolved(cluster)) {
    throw new EcsTrafficMirrorConfigError(
      'clusters: a token cannot tell a cluster name from an ARN; pass an ecs.ICluster (for example ecs.Cluster.fromClusterArn) instead',
    );
  }
  if (cluster.startsWith('arn:')) {
    const match = CLUSTER_ARN_PATTERN.exec(cluster);
    if (!match) {
      throw new EcsTrafficMirrorConfigError(
        `clusters: '${cluster}' is not an ECS cluster ARN (arn:<partition>:ecs:<region>:<account>:cluster/<name>)`,
      );
    }
    refuseOtherEnvironment(stack, cluster, match[1] ?? '', match[2] ?? '', match[3] ?? '');
    return { arn: cluster, taskArnPattern: `${cluster.replace(':cluster/', ':task/')}/*` };
  }
  if (!ECS_NAME_PATTERN.test(cluster)) {
    throw new EcsTrafficMirrorConfigError(
      `clusters: '${cluster}' is not a valid ECS cluster name (1-255 letters, digits, '-' or '_')`,
    );
  }
  return {
    arn: stack.formatArn({ service: 'ecs', resource: 'cluster', resourceName: cluster }),
    taskArnPattern: stack.formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster}/*` }),
  };
}
