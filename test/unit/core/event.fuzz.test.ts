import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../../src/core/errors.js';
import { parseTaskDetail, parseTaskStateChangeEvent } from '../../../src/core/event.js';
import type { TaskSnapshot } from '../../../src/core/task.js';
import { EVENT_FIXTURES, loadEvent } from './fixtures.js';

const RUNS = 1000;

/** The parser's whole contract: a snapshot, or an InvalidEventError with a one-line message. */
function parsesOrRejectsCleanly(parse: (input: unknown) => TaskSnapshot, input: unknown): boolean {
  try {
    const task = parse(input);
    expect(typeof task.taskArn).toBe('string');
    expect(typeof task.taskId).toBe('string');
    expect(task.taskId).not.toBe('');
    expect(Number.isInteger(task.version)).toBe(true);
    expect(Array.isArray(task.enis)).toBe(true);
    return true;
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    expect(error.message).not.toMatch(/[\r\n]/);
    expect(error.message.length).toBeGreaterThan(0);
    return true;
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = readonly (string | number)[];

/** Every path to a value inside a JSON document, the root excluded. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => [[...prefix, index], ...pathsOf(item, [...prefix, index])]);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => [[...prefix, key], ...pathsOf(item, [...prefix, key])]);
  }
  return [];
}

function mutate(document: Record<string, unknown>, path: Path, replacement: { drop: true } | { drop: false; value: unknown }): unknown {
  const parent = path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], document);
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== 'object' || parent === null) return document;
  if (replacement.drop) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<string | number, unknown>)[last];
  } else {
    (parent as Record<string | number, unknown>)[last] = replacement.value;
  }
  return document;
}

const fixtureName = fc.constantFrom(...EVENT_FIXTURES);
const replacement = fc.oneof(
  fc.constant({ drop: true as const }),
  fc.record({ drop: fc.constant(false as const), value: fc.oneof(fc.jsonValue(), fc.anything()) }),
);

/** A fixture with 1..4 of its keys (at any depth) dropped or replaced. */
const mutatedFixture = fc
  .tuple(fixtureName, fc.array(fc.tuple(fc.nat(), replacement), { minLength: 1, maxLength: 4 }))
  .map(([name, edits]) => {
    let document = loadEvent(name);
    for (const [pick, edit] of edits) {
      const paths = pathsOf(document);
      if (paths.length === 0) break;
      const path = paths[pick % paths.length] ?? [];
      document = mutate(document, path, edit) as Record<string, unknown>;
    }
    return document;
  });

/** Keys the parser reads (or that JavaScript treats specially): adding one is not a harmless edit. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  '__proto__', 'constructor', 'prototype', 'source', 'detail-type', 'detail', 'taskArn', 'clusterArn', 'lastStatus',
  'desiredStatus', 'launchType', 'group', 'taskDefinitionArn', 'availabilityZone', 'version', 'attachments', 'tags',
  'stoppedReason', 'stoppedAt', 'id', 'type', 'status', 'details', 'name', 'value', 'key',
]);

const detailWith = (value: unknown): Record<string, unknown> => ({ ...loadEvent('fargate-running.json'), detail: value });

describe('the event parser never throws anything but InvalidEventError', () => {
  it('on arbitrary values (fc.anything)', () => {
    fc.assert(fc.property(fc.anything(), (input) => parsesOrRejectsCleanly(parseTaskStateChangeEvent, input)), { numRuns: RUNS });
  });

  it('on arbitrary JSON (fc.jsonValue)', () => {
    fc.assert(fc.property(fc.jsonValue(), (input) => parsesOrRejectsCleanly(parseTaskStateChangeEvent, input)), { numRuns: RUNS });
  });

  it('on a valid envelope around an arbitrary detail', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue())), (detail) =>
        parsesOrRejectsCleanly(parseTaskStateChangeEvent, detailWith(detail)),
      ),
      { numRuns: RUNS },
    );
  });

  it('on fixtures with keys dropped or replaced at any depth', () => {
    fc.assert(fc.property(mutatedFixture, (input) => parsesOrRejectsCleanly(parseTaskStateChangeEvent, input)), { numRuns: RUNS });
  });

  it('on fixture details with keys dropped or replaced, parsed as DescribeTasks tasks', () => {
    fc.assert(
      fc.property(mutatedFixture, (input) => parsesOrRejectsCleanly((value) => parseTaskDetail((value as Record<string, unknown>)['detail']), input)),
      { numRuns: RUNS },
    );
  });

  it('on well-formed ARNs and arbitrary attachments', () => {
    const attachment = fc.record(
      {
        id: fc.oneof(fc.string(), fc.anything()),
        type: fc.oneof(fc.constantFrom('eni', 'ElasticNetworkInterface', 'ENI', 'ServiceConnect', 'AmazonElasticBlockStorage'), fc.anything()),
        status: fc.oneof(fc.constantFrom('PRECREATED', 'ATTACHED', 'DELETED'), fc.anything()),
        details: fc.oneof(
          fc.array(fc.record({ name: fc.oneof(fc.constantFrom('networkInterfaceId', 'subnetId', 'macAddress'), fc.anything()), value: fc.oneof(fc.string(), fc.anything()) }, { requiredKeys: [] })),
          fc.anything(),
        ),
      },
      { requiredKeys: [] },
    );
    const detail = fc.record({
      taskArn: fc.oneof(
        fc.string().map((id) => `arn:aws:ecs:eu-central-1:123456789012:task/${id}`),
        fc.tuple(fc.string(), fc.string()).map(([cluster, id]) => `arn:aws:ecs:eu-central-1:123456789012:task/${cluster}/${id}`),
      ),
      clusterArn: fc.string().map((name) => `arn:aws:ecs:eu-central-1:123456789012:cluster/${name}`),
      lastStatus: fc.string(),
      group: fc.oneof(fc.string(), fc.string().map((name) => `service:${name}`), fc.string().map((name) => `family:${name}`)),
      taskDefinitionArn: fc.string(),
      version: fc.oneof(fc.nat(), fc.double(), fc.anything()),
      stoppedAt: fc.oneof(fc.date({ noInvalidDate: false }), fc.double(), fc.string(), fc.integer()),
      attachments: fc.array(attachment, { maxLength: 4 }),
      tags: fc.oneof(fc.array(fc.record({ key: fc.string(), value: fc.string() }, { requiredKeys: [] })), fc.anything()),
    }, { requiredKeys: ['taskArn', 'clusterArn', 'lastStatus'] });

    fc.assert(fc.property(detail, (input) => parsesOrRejectsCleanly(parseTaskDetail, input)), { numRuns: RUNS });
  });
});

describe('parsed fixtures are stable under harmless edits', () => {
  it('adding unknown keys anywhere in a fixture does not change the snapshot', () => {
    const extraKey = fc.string({ minLength: 1 }).filter((key) => !KNOWN_KEYS.has(key));
    fc.assert(
      fc.property(fixtureName, fc.nat(), extraKey, fc.jsonValue() as fc.Arbitrary<Json>, (name, pick, key, value) => {
        const original = parseTaskStateChangeEvent(loadEvent(name));
        const document = loadEvent(name);
        const objects = [[], ...pathsOf(document)].filter((path) => {
          const node = path.reduce<unknown>((at, segment) => (at as Record<string | number, unknown>)[segment], document);
          return typeof node === 'object' && node !== null && !Array.isArray(node);
        });
        const path = objects[pick % objects.length] ?? [];
        const target = path.reduce<unknown>((at, segment) => (at as Record<string | number, unknown>)[segment], document) as Record<string, unknown>;
        fc.pre(!Object.hasOwn(target, key));
        target[key] = value;

        expect(parseTaskStateChangeEvent(document)).toEqual(original);
      }),
      { numRuns: 500 },
    );
  });
});
