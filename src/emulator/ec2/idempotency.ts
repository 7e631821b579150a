import { idempotentMismatch } from './errors.js';

/**
 * ClientToken idempotency for one action: the first answer is kept and replayed for the same
 * token and parameters (even if the resource changed or was deleted since, as EC2 does);
 * the same token with other parameters is IdempotentParameterMismatch.
 */
export class IdempotencyCache<R> {
  private readonly entries = new Map<string, { fingerprint: string; response: R }>();

  /** The earlier answer for this token, or undefined when the token is new. */
  replay(token: string | undefined, fingerprint: string): R | undefined {
    if (token === undefined) return undefined;
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) throw idempotentMismatch(token);
    return entry.response;
  }

  remember(token: string | undefined, fingerprint: string, response: R): void {
    if (token !== undefined) this.entries.set(token, { fingerprint, response });
  }
}

/** A stable fingerprint of request parameters: key order and absent-vs-undefined do not matter. */
export function fingerprint(params: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(
    Object.keys(params)
      .filter((key) => params[key] !== undefined)
      .sort()
      .map((key) => [key, canonical(params[key])]),
  );
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, member]) => [key, canonical(member)]);
  }
  return value;
}
