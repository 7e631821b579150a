/**
 * Shapes of the identifiers users give us, checked before any AWS call. EC2 ids are a prefix and
 * 8 (older resources) or 17 hex digits.
 */
export const TARGET_ID_PATTERN = /^tmt-[0-9a-f]{8,17}$/;
export const FILTER_ID_PATTERN = /^tmf-[0-9a-f]{8,17}$/;
export const GWLB_ENDPOINT_ID_PATTERN = /^vpce-[0-9a-f]{8,17}$/;
export const NETWORK_INTERFACE_ID_PATTERN = /^eni-[0-9a-f]{8,17}$/;
export const NETWORK_LOAD_BALANCER_ARN_PATTERN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/net\/[^/]+\/[0-9a-f]+$/;

/**
 * ECS's naming rule for clusters, services and task definition families alike (ECS API model:
 * CreateCluster.clusterName, CreateService.serviceName, RegisterTaskDefinition.family): up to 255
 * letters, digits, hyphens and underscores.
 */
export const ECS_NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** A cluster ARN; groups: partition, Region, account, cluster name. */
export const CLUSTER_ARN_PATTERN = /^arn:(aws[a-z-]*):ecs:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9_-]{1,255})$/;

/** ECS launch types (the ECS API model's LaunchType enum). */
export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];
