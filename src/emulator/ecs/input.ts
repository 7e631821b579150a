import { invalidParameter, serializationError } from './errors.js';

/**
 * Readers for decoded JSON request members. A member of the wrong JSON type is a
 * SerializationException (as on AWS); a missing required member or a value out of range is an
 * InvalidParameterException.
 */
export type Input = Record<string, unknown>;

export interface Tag {
  readonly key: string;
  readonly value: string;
}

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serializationError(`${name} must be a string`);
  return value;
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw invalidParameter(`${name} can not be blank.`);
  return value;
}

export function optionalBoolean(input: Input, name: string): boolean | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw serializationError(`${name} must be a boolean`);
  return value;
}

export function optionalInteger(input: Input, name: string, min: number, max: number): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serializationError(`${name} must be an integer`);
  if (value < min || value > max) {
    throw invalidParameter(`${name} must be between ${min} and ${max}, inclusive.`);
  }
  return value;
}

export function optionalStringList(input: Input, name: string): string[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw serializationError(`${name} must be a list of strings`);
  }
  return value as string[];
}

export function optionalEnum<T extends string>(input: Input, name: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(input, name);
  if (value === undefined) return undefined;
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) throw invalidParameter(`${name} must be one of ${allowed.join(', ')}.`);
  return match;
}

export function optionalObject(input: Input, name: string): Input | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw serializationError(`${name} must be an object`);
  return value;
}

export function optionalObjectList(input: Input, name: string): Input[] | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isRecord)) throw serializationError(`${name} must be a list of objects`);
  return value;
}

/**
 * ECS model (TagResource.tags): "Maximum number of tags per resource - 50".
 */
export const MAX_TAGS = 50;

/**
 * ECS model (Tags, TagKey, TagValue): at most 50 tags, keys 1–128 characters, values 0–256, and
 * "Do not use aws:, AWS:, or any upper or lowercase combination of such as a prefix for either
 * keys or values". The InvalidParameterException code for each is inferred.
 */
export function optionalTags(input: Input, name: string): Tag[] | undefined {
  const items = optionalObjectList(input, name);
  if (items === undefined) return undefined;
  if (items.length > MAX_TAGS) throw invalidParameter(`${name} can contain at most ${MAX_TAGS} tags.`);
  return items.map((item) => {
    const key = optionalString(item, 'key');
    const value = optionalString(item, 'value') ?? '';
    if (key === undefined || key.length < 1 || key.length > 128) {
      throw invalidParameter('Tag keys must be between 1 and 128 characters.');
    }
    if (value.length > 256) throw invalidParameter('Tag values must be at most 256 characters.');
    if (key.toLowerCase().startsWith('aws:')) throw invalidParameter('Tag keys starting with aws: are reserved.');
    if (value.toLowerCase().startsWith('aws:')) throw invalidParameter('Tag values starting with aws: are reserved.');
    return { key, value };
  });
}
