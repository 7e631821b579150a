/** One member account in one Region: the unit the hub keeps apart (its own EC2 budget, sessions, caches). */
export interface MemberKey {
  readonly accountId: string;
  readonly region: string;
}

export function memberKeyText(member: MemberKey): string {
  return `${member.accountId}/${member.region}`;
}

/**
 * The account and Region an EventBridge event says it comes from (the envelope's `account` and
 * `region`, kept when a rule forwards it to another account's bus). Undefined for anything that
 * has no such envelope: the event path then refuses it as it refuses any invalid event.
 */
export function memberOfEvent(raw: unknown): MemberKey | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { account, region } = raw as { account?: unknown; region?: unknown };
  if (typeof account !== 'string' || typeof region !== 'string' || account === '' || region === '') return undefined;
  return { accountId: account, region };
}

/** The events of a batch by member, each with its index in the batch; events without an envelope under `undefined`. */
export function groupByMember(rawEvents: readonly unknown[]): Map<string | undefined, { member: MemberKey | undefined; indexes: number[] }> {
  const groups = new Map<string | undefined, { member: MemberKey | undefined; indexes: number[] }>();
  rawEvents.forEach((raw, index) => {
    const member = memberOfEvent(raw);
    const key = member && memberKeyText(member);
    const group = groups.get(key) ?? { member, indexes: [] };
    group.indexes.push(index);
    groups.set(key, group);
  });
  return groups;
}
