import { filterLimitExceeded, invalidParameterValue, MAX_FILTER_VALUES } from './errors.js';
import type { Ec2Filter } from './params.js';

/** What a filter name reads from an item: one value, several, or nothing. */
export type FilterField<T> = (item: T) => string | number | boolean | undefined | readonly string[];

export interface FilterSpec<T> {
  readonly fields: Readonly<Record<string, FilterField<T>>>;
  /** Enables `tag:<key>`, `tag-key` and `tag-value`. */
  readonly tags?: (item: T) => ReadonlyMap<string, string>;
}

/**
 * Compiles EC2 `Filter.N` into one predicate: values of one filter are ORed, filters are ANDed,
 * and `*` / `?` are wildcards, as in EC2. Unknown filter names are rejected as EC2 does
 * (InvalidParameterValue: inferred, no page names the code).
 */
export function compileFilters<T>(filters: readonly Ec2Filter[], spec: FilterSpec<T>): (item: T) => boolean {
  // EC2 error codes: FilterLimitExceeded; the 200-value threshold is inferred (see errors.ts).
  const values = filters.reduce((sum, filter) => sum + filter.values.length, 0);
  if (values > MAX_FILTER_VALUES) throw filterLimitExceeded();
  const tests = filters.map((filter) => compileOne(filter, spec));
  return (item) => tests.every((test) => test(item));
}

function compileOne<T>(filter: Ec2Filter, spec: FilterSpec<T>): (item: T) => boolean {
  const matchers = filter.values.map(valueMatcher);
  const anyMatches = (values: readonly string[]): boolean =>
    values.some((value) => matchers.some((matches) => matches(value)));
  const { tags } = spec;
  if (tags && filter.name.startsWith('tag:')) {
    const key = filter.name.slice(4);
    return (item) => {
      const value = tags(item).get(key);
      return value !== undefined && anyMatches([value]);
    };
  }
  if (tags && filter.name === 'tag-key') return (item) => anyMatches([...tags(item).keys()]);
  if (tags && filter.name === 'tag-value') return (item) => anyMatches([...tags(item).values()]);
  const field = spec.fields[filter.name];
  if (!field) throw invalidParameterValue(`The filter '${filter.name}' is invalid`);
  return (item) => anyMatches(asStrings(field(item)));
}

function asStrings(value: ReturnType<FilterField<unknown>>): readonly string[] {
  if (value === undefined) return [];
  if (typeof value === 'object') return value;
  return [String(value)];
}

function valueMatcher(pattern: string): (value: string) => boolean {
  if (!/[*?]/.test(pattern)) return (value) => value === pattern;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  const regex = new RegExp(`^${source}$`, 's');
  return (value) => regex.test(value);
}

/** The values of a filter when they can drive an index lookup (no wildcards), else undefined. */
export function exactValues(filters: readonly Ec2Filter[], name: string): readonly string[] | undefined {
  const filter = filters.find((candidate) => candidate.name === name);
  if (!filter || filter.values.some((value) => /[*?]/.test(value))) return undefined;
  return filter.values;
}
