import type { NetworkRegistry } from '../network.js';
import { invalidParameter } from './errors.js';
import { optionalEnum, optionalObject, optionalStringList, type Input } from './input.js';
import type { AwsVpcSettings, LaunchType, TaskDefinitionRecord } from './model.js';

const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

/**
 * The awsvpc settings of a RunTask / CreateService / UpdateService request, checked against the
 * task definition's network mode and the emulated VPC as ECS checks them.
 */
export function readAwsVpcSettings(
  input: Input,
  definition: TaskDefinitionRecord,
  network: NetworkRegistry,
): AwsVpcSettings | undefined {
  const configuration = optionalObject(input, 'networkConfiguration');
  const awsvpc = configuration && optionalObject(configuration, 'awsvpcConfiguration');
  if (definition.networkMode !== 'awsvpc') {
    if (awsvpc) throw invalidParameter('Network Configuration is not valid for the given networkMode of this task definition.');
    return undefined;
  }
  if (!awsvpc) throw invalidParameter("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  const subnets = optionalStringList(awsvpc, 'subnets') ?? [];
  if (subnets.length === 0) throw invalidParameter('subnets can not be empty.');
  if (subnets.length > MAX_SUBNETS) throw invalidParameter(`At most ${MAX_SUBNETS} subnets can be specified.`);
  for (const subnetId of subnets) {
    if (!network.subnets.has(subnetId)) {
      throw invalidParameter(
        `Error retrieving subnet information for [${subnetId}]: The subnet ID '${subnetId}' does not exist`,
      );
    }
  }
  const securityGroups = optionalStringList(awsvpc, 'securityGroups') ?? [];
  if (securityGroups.length > MAX_SECURITY_GROUPS) {
    throw invalidParameter(`At most ${MAX_SECURITY_GROUPS} security groups can be specified.`);
  }
  const assignPublicIp = optionalEnum(awsvpc, 'assignPublicIp', ['ENABLED', 'DISABLED'] as const) ?? 'DISABLED';
  return { subnets: [...new Set(subnets)], securityGroups, assignPublicIp };
}

export function awsVpcView(settings: AwsVpcSettings | undefined): Record<string, unknown> | undefined {
  return settings && { awsvpcConfiguration: { ...settings } };
}

/** Fargate runs only task definitions that are compatible with it (awsvpc, task-level cpu/memory). */
export function checkLaunchType(launchType: LaunchType, definition: TaskDefinitionRecord): void {
  if (!definition.compatibilities.includes(launchType)) {
    throw invalidParameter(`Task definition does not support launch_type ${launchType}.`);
  }
}
