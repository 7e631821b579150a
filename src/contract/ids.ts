/**
 * Shapes of the identifiers users give us, checked before any AWS call. EC2 ids are a prefix and
 * 8 (older resources) or 17 hex digits.
 */
export const TARGET_ID_PATTERN = /^tmt-[0-9a-f]{8,17}$/;
export const FILTER_ID_PATTERN = /^tmf-[0-9a-f]{8,17}$/;
export const GWLB_ENDPOINT_ID_PATTERN = /^vpce-[0-9a-f]{8,17}$/;
export const NETWORK_INTERFACE_ID_PATTERN = /^eni-[0-9a-f]{8,17}$/;
export const NETWORK_LOAD_BALANCER_ARN_PATTERN = /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer\/net\/[^/]+\/[0-9a-f]+$/;

/** ECS launch types (the ECS API model's LaunchType enum). */
export const LAUNCH_TYPES = ['EC2', 'FARGATE', 'EXTERNAL', 'MANAGED_INSTANCES'] as const;
export type LaunchType = (typeof LAUNCH_TYPES)[number];
