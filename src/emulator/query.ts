/**
 * Decodes the EC2 query protocol's flat parameters (`Filter.1.Value.2=x`) into nested values.
 * The SDKs, the AWS CLI and boto3 all flatten lists as `Name.N` (1-based) and structures as
 * `Name.Member`, so one generic decoder serves every action; the action code then reads members
 * by their wire names and validates types itself.
 */
export type QueryValue = string | QueryValue[] | QueryObject;
export interface QueryObject {
  [key: string]: QueryValue;
}

type Node = Map<string, Node | string>;

const LIST_INDEX = /^[1-9][0-9]*$/;

export function decodeQuery(entries: Iterable<[string, string]>): QueryObject {
  const root: Node = new Map();
  for (const [key, value] of entries) {
    const parts = key.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.get(part);
      // A later `X.1` after a bare `X=` (boto3 sends `X=` for an empty list) wins.
      if (!(child instanceof Map)) {
        child = new Map();
        node.set(part, child);
      }
      node = child;
    }
    node.set(parts[parts.length - 1] ?? '', value);
  }
  const decoded = toValue(root);
  return typeof decoded === 'object' && !Array.isArray(decoded) ? decoded : {};
}

function toValue(node: Node | string): QueryValue {
  if (typeof node === 'string') return node;
  const keys = [...node.keys()];
  if (keys.length > 0 && keys.every((key) => LIST_INDEX.test(key))) {
    // Lists are sorted by index; gaps (Value.1, Value.3) simply close up, as EC2 tolerates.
    return keys.sort((a, b) => Number(a) - Number(b)).map((key) => toValue(node.get(key) ?? ''));
  }
  // Object.fromEntries defines own properties, so a `__proto__` key cannot pollute prototypes.
  return Object.fromEntries(keys.map((key) => [key, toValue(node.get(key) ?? '')]));
}
