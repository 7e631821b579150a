import { ApiError } from '../context.js';
import { eniIdMalformed, invalidParameterValue, missingParameter } from './errors.js';
import type { Tags } from './inputs.js';
import { RANGES, type PortRange } from './model.js';
import { validateTagKey, type IntRange } from './params.js';
import { MAX_TAGS_PER_RESOURCE } from './tags.js';

/** Value checks shared by the traffic-mirroring operations; each throws EC2's error answer. */

/** Tags given at create: the same key rules as CreateTags, and the same 50-tag limit (EC2 model, CreateTags). */
export function checkedTags(tags: Tags | undefined): Tags {
  const keys = Object.keys(tags ?? {});
  for (const key of keys) validateTagKey(key);
  if (keys.length > MAX_TAGS_PER_RESOURCE) {
    throw new ApiError('TagLimitExceeded', `A resource can have at most ${MAX_TAGS_PER_RESOURCE} tags.`);
  }
  return tags ?? {};
}

/**
 * EC2 idempotency page ("Ensuring idempotency"): "A client token is a unique, case-sensitive
 * string of up to 64 ASCII characters." The code for a longer one, InvalidParameterValue, is inferred.
 */
export const MAX_CLIENT_TOKEN_LENGTH = 64;

export function checkClientToken(token: string | undefined): void {
  if (token === undefined) return;
  if (token.length > MAX_CLIENT_TOKEN_LENGTH || !/^[\x20-\x7e]*$/.test(token)) {
    throw invalidParameterValue(`The client token must be at most ${MAX_CLIENT_TOKEN_LENGTH} ASCII characters.`);
  }
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
