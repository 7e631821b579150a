import { ApiError } from '../context.js';

export interface PageRequest {
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * Pages through candidates lazily: only the returned page (plus one look-ahead match) is
 * collected, so a page of a large collection costs its own size plus the skipped prefix.
 *
 * The token names the cursor of the last returned item. `cursorOf` must grow along the
 * candidates' order (mirror resources use their creation sequence, which survives deletions);
 * without it the position in the enumeration is used. Without MaxResults everything is
 * returned, as EC2 does for these actions. Tokens are opaque to clients and scoped per action,
 * so a session token given to DescribeTrafficMirrorTargets is rejected.
 */
export function paginate<T>(
  scope: string,
  candidates: Iterable<T>,
  matches: (item: T) => boolean,
  request: PageRequest,
  cursorOf?: (item: T) => number,
): Page<T> {
  const after = request.nextToken ? decodeToken(scope, request.nextToken) : -1;
  const limit = request.maxResults ?? Number.POSITIVE_INFINITY;
  const items: T[] = [];
  let lastCursor = -1;
  let position = -1;
  for (const item of candidates) {
    position += 1;
    const cursor = cursorOf ? cursorOf(item) : position;
    if (cursor <= after || !matches(item)) continue;
    if (items.length === limit) return { items, nextToken: encodeToken(scope, lastCursor) };
    items.push(item);
    lastCursor = cursor;
  }
  return { items };
}

function encodeToken(scope: string, cursor: number): string {
  return Buffer.from(JSON.stringify({ s: scope, c: cursor })).toString('base64url');
}

function decodeToken(scope: string, token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      's' in parsed &&
      'c' in parsed &&
      parsed.s === scope &&
      typeof parsed.c === 'number'
    ) {
      return parsed.c;
    }
  } catch {
    // fall through: any undecodable token is invalid
  }
  // EC2 error codes (common client errors): InvalidPaginationToken, "not valid or is expired".
  throw new ApiError('InvalidPaginationToken', `The pagination token '${token}' is invalid or expired.`);
}
