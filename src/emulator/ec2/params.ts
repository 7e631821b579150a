import { invalidParameterValue, missingParameter } from './errors.js';

/**
 * Typed readers over a decoded query (see ../query.ts). Everything arrives as strings, so each
 * reader checks its own type and answers the EC2 error a malformed request would get.
 */
export type Input = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalString(input: Input, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

export function requiredString(input: Input, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export interface IntRange {
  readonly min: number;
  readonly max: number;
}

export function optionalInt(input: Input, name: string, range?: IntRange): number | undefined {
  const raw = optionalString(input, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?[0-9]+$/.test(raw)) throw invalidParameterValue(`Invalid value '${raw}' for ${name}: not an integer.`);
  const value = Number(raw);
  if (range && (value < range.min || value > range.max)) {
    throw invalidParameterValue(
      `Invalid value '${raw}' for ${name}. It must be between ${range.min} and ${range.max}.`,
    );
  }
  return value;
}

export function requiredInt(input: Input, name: string, range?: IntRange): number {
  const value = optionalInt(input, name, range);
  if (value === undefined) throw missingParameter(name);
  return value;
}

export function bool(input: Input, name: string): boolean {
  const raw = optionalString(input, name);
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw invalidParameterValue(`Invalid value '${raw}' for ${name}: expected true or false.`);
}

/** `Name.1=a&Name.2=b` → ['a', 'b']; boto3's `Name=` for an empty list → []. */
export function stringList(input: Input, name: string): string[] {
  const value = input[name];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string' && value !== '') return [value];
  return [];
}

export function structList(input: Input, name: string): Input[] {
  const value = input[name];
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

export function struct(input: Input, name: string): Input | undefined {
  const value = input[name];
  return isRecord(value) ? value : undefined;
}

/**
 * EC2 model: MaxResults is 5..1000 for every describe the emulator serves
 * (TrafficMirroringMaxResults, DescribeNetworkInterfacesMaxResults, DescribeVpcsMaxResults,
 * DescribeSubnetsMaxResults; DescribeTags' documentation: "between 5 and 1000"). The code of the
 * answer outside it, InvalidParameterValue, is inferred.
 */
export const MAX_RESULTS_RANGE: IntRange = { min: 5, max: 1000 };

export function maxResults(input: Input): number | undefined {
  const raw = optionalString(input, 'MaxResults');
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^-?[0-9]+$/.test(raw) || value < MAX_RESULTS_RANGE.min || value > MAX_RESULTS_RANGE.max) {
    throw invalidParameterValue(
      `Value ( ${raw} ) for parameter maxResults is invalid. Parameter must be between ${MAX_RESULTS_RANGE.min} and ${MAX_RESULTS_RANGE.max}.`,
    );
  }
  return value;
}

export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

export function filters(input: Input): Ec2Filter[] {
  return structList(input, 'Filter').map((filter) => ({
    name: requiredString(filter, 'Name'),
    values: stringList(filter, 'Value'),
  }));
}

export interface TagInput {
  readonly key: string;
  readonly value: string;
}

/** EC2 User Guide, tag restrictions: keys up to 128 characters, values up to 256, `aws:` reserved (any case). */
export function tagList(input: Input, name: string): TagInput[] {
  return deleteTagList(input, name).map(({ key, value }) => {
    if (value !== undefined && value.length > 256) {
      throw invalidParameterValue(`The value of tag '${key}' exceeds the maximum length of 256 characters.`);
    }
    return { key, value: value ?? '' };
  });
}

/** DeleteTags' `Tag.N`: a key, and a value only when the tag must also have that value. */
export function deleteTagList(input: Input, name: string): { key: string; value?: string }[] {
  return structList(input, name).map((tag) => {
    const key = requiredString(tag, 'Key');
    validateTagKey(key);
    return { key, value: optionalString(tag, 'Value') };
  });
}

export function validateTagKey(key: string): void {
  if (key.length === 0 || key.length > 128) throw invalidParameterValue(`Tag key '${key}' must be 1 to 128 characters.`);
  if (key.toLowerCase().startsWith('aws:')) {
    throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use: '${key}'.`);
  }
}

/** The tags of `TagSpecification.N` for one resource type; other resource types are invalid here. */
export function tagSpecifications(input: Input, resourceType: string): TagInput[] {
  const tags: TagInput[] = [];
  for (const spec of structList(input, 'TagSpecification')) {
    const type = optionalString(spec, 'ResourceType');
    if (type !== resourceType) {
      throw invalidParameterValue(
        `'${type ?? ''}' is not a valid taggable resource type for this operation (expected '${resourceType}').`,
      );
    }
    tags.push(...tagList(spec, 'Tag'));
  }
  return tags;
}
