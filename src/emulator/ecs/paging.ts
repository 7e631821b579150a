import { invalidParameter } from './errors.js';

/**
 * List paging. The token records the creation sequence of the last item returned, not an
 * offset, so items that appear or drop out of a filtered list between pages never cause a
 * page to skip or repeat the others.
 */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

interface TokenBody {
  readonly after: number;
}

function encodeToken(after: number): string {
  const body: TokenBody = { after };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const body: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    const after = typeof body === 'object' && body !== null && 'after' in body ? body.after : undefined;
    if (typeof after === 'number' && Number.isInteger(after)) return after;
  } catch {
    // Falls through to the same answer as a well-formed but foreign token.
  }
  // inferred: ECS documents the token as opaque; InvalidParameterException is among the list calls' errors.
  throw invalidParameter('Invalid nextToken.');
}

/** One page of `items` (already filtered, in sequence order) after `nextToken`. */
export function paginate<T>(
  items: Iterable<T>,
  sequenceOf: (item: T) => number,
  pageSize: number,
  nextToken: string | undefined,
): Page<T> {
  const after = nextToken === undefined ? 0 : decodeToken(nextToken);
  const page: T[] = [];
  for (const item of items) {
    if (sequenceOf(item) <= after) continue;
    if (page.length === pageSize) {
      const last = page[page.length - 1];
      return { items: page, nextToken: last === undefined ? undefined : encodeToken(sequenceOf(last)) };
    }
    page.push(item);
  }
  return { items: page };
}
