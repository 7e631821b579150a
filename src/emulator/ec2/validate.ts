import { eniIdMalformed, invalidParameterValue, missingParameter } from './errors.js';
import type { Tags } from './inputs.js';
import { RANGES, type PortRange } from './model.js';
import { validateTagKey, type IntRange } from './params.js';

/** Value checks shared by the traffic-mirroring operations; each throws EC2's error answer. */

export function checkedTags(tags: Tags | undefined): Tags {
  for (const key of Object.keys(tags ?? {})) validateTagKey(key);
  return tags ?? {};
}

export function inRange(value: number, range: IntRange, name: string): void {
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw invalidParameterValue(`Invalid value '${value}' for ${name}. It must be between ${range.min} and ${range.max}.`);
  }
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found === undefined) {
    if (value === '') throw missingParameter(name);
    throw invalidParameterValue(`Invalid value '${value}' for ${name}. Valid values: ${allowed.join(', ')}.`);
  }
  return found;
}

export function checkCidr(value: string, name: string): void {
  if (value === '') throw missingParameter(name);
  if (!/^[0-9a-fA-F:.]+\/[0-9]{1,3}$/.test(value)) throw invalidParameterValue(`Invalid CIDR '${value}' for ${name}.`);
}

export function checkPortRange(range: PortRange | undefined, name: string): void {
  if (!range) return;
  inRange(range.fromPort, RANGES.port, `${name}.FromPort`);
  inRange(range.toPort, RANGES.port, `${name}.ToPort`);
  if (range.fromPort > range.toPort) throw invalidParameterValue(`${name}: FromPort must not exceed ToPort.`);
}

/**
 * EC2 error codes: InvalidNetworkInterfaceId.Malformed, "in the form eni-xxxxxxxxxxxxxxxxx".
 * That EC2 also accepts the older 8-hex-digit ids is inferred (ids of both lengths exist).
 */
const ENI_ID_PATTERN = /^eni-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

export function checkEniIdFormat(id: string): void {
  if (!ENI_ID_PATTERN.test(id)) throw eniIdMalformed(id);
}
