import type { EcsTaskStateChangeEvent, EventSubscriber } from '../context.js';
import type { AccountCells } from './cells.js';

/** Who may put events on a bus from another account (the bus's resource policy, reduced to what PutPermission grants). */
export interface BusPermission {
  /** Accounts granted `events:PutEvents` one by one (PutPermission with Principal = the account). */
  readonly accounts?: readonly string[];
  /** Every account of this organization (PutPermission with Principal "*" and the aws:PrincipalOrgID condition). */
  readonly organizationId?: string;
}

export interface BusAddress {
  readonly accountId: string;
  readonly region: string;
}

export interface ForwardingStats {
  readonly delivered: number;
  /** Events the target bus refused: its policy does not let the source account put events. */
  readonly refused: number;
}

interface Bus {
  permission: BusPermission;
  readonly subscribers: Set<EventSubscriber>;
  readonly events: EcsTaskStateChangeEvent[];
}

const key = (address: BusAddress): string => `${address.accountId}/${address.region}`;

/**
 * The default event bus of each account × Region, as far as task events go, and rules that
 * forward one account's ECS Task State Change events to another account's bus. EventBridge
 * ("Sending and receiving events between AWS accounts"; PutPermission): a rule in the sending
 * account targets the receiving bus's ARN, and the receiving bus accepts the events only if its
 * policy lets that account put events — one account at a time, or the whole organization with
 * aws:PrincipalOrgID. The event keeps its `account` and `region` (the source's): the receiver
 * learns from the event where it happened. A refused delivery is counted (on AWS: the rule's
 * FailedInvocations) and the event does not arrive.
 */
export class EventBuses {
  private readonly buses = new Map<string, Bus>();
  private readonly forwarded = { delivered: 0, refused: 0 };

  constructor(
    private readonly cells: AccountCells,
    private readonly organizationOf: (accountId: string) => string | undefined,
  ) {}

  /** Replaces the bus's cross-account permission (PutPermission / the bus policy). */
  setPermission(bus: BusAddress, permission: BusPermission): void {
    this.bus(bus).permission = permission;
  }

  /** A rule in `from` sending its task events to the bus `to`; returns a function that deletes the rule. */
  forward(from: BusAddress, to: BusAddress): () => void {
    return this.cells.get(from.accountId, from.region).ecs.subscribe((event) => this.put(to, event, from.accountId));
  }

  /** Every event that reaches the bus, forwarded ones included; returns an unsubscribe function. */
  subscribe(bus: BusAddress, subscriber: EventSubscriber): () => void {
    const target = this.bus(bus);
    target.subscribers.add(subscriber);
    // The bus's own account's task events arrive without forwarding.
    const own = this.cells.get(bus.accountId, bus.region).ecs.subscribe(subscriber);
    return () => {
      target.subscribers.delete(subscriber);
      own();
    };
  }

  /** Events forwarded to the bus so far, in arrival order. */
  received(bus: BusAddress): readonly EcsTaskStateChangeEvent[] {
    return [...this.bus(bus).events];
  }

  stats(): ForwardingStats {
    return { ...this.forwarded };
  }

  private put(to: BusAddress, event: EcsTaskStateChangeEvent, sourceAccountId: string): void {
    const bus = this.bus(to);
    if (!this.allows(bus.permission, to.accountId, sourceAccountId)) {
      this.forwarded.refused++;
      return;
    }
    this.forwarded.delivered++;
    bus.events.push(event);
    for (const subscriber of bus.subscribers) subscriber(event);
  }

  private allows(permission: BusPermission, busAccountId: string, sourceAccountId: string): boolean {
    if (sourceAccountId === busAccountId) return true;
    if (permission.accounts?.includes(sourceAccountId)) return true;
    return permission.organizationId !== undefined && this.organizationOf(sourceAccountId) === permission.organizationId;
  }

  private bus(address: BusAddress): Bus {
    let bus = this.buses.get(key(address));
    if (!bus) {
      bus = { permission: {}, subscribers: new Set(), events: [] };
      this.buses.set(key(address), bus);
    }
    return bus;
  }
}
