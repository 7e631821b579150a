import {
  CreateTrafficMirrorSessionCommand,
  DeleteTrafficMirrorSessionCommand,
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSubnetsCommand,
  DescribeTrafficMirrorFiltersCommand,
  DescribeTrafficMirrorTargetsCommand,
  ModifyTrafficMirrorSessionCommand,
  paginateDescribeTrafficMirrorSessions,
  paginateDescribeTrafficMirrorTargets,
  type EC2Client,
  type Filter,
  type TrafficMirrorSession,
  type TrafficMirrorSessionField,
} from '@aws-sdk/client-ec2';
import type { PlannedSession } from '../core/plan.js';
import { isManagedSession, type MirrorSession } from '../core/session.js';
import type { SessionChanges } from '../core/session-changes.js';
import type { MirrorError } from '../core/errors.js';
import type { Clock, Ec2Mirroring, MirrorTarget, MirrorTargetType, TargetAndFilterCheck } from '../ports/index.js';
import { toMirrorError } from './error-mapping.js';

/** EC2 accepts at most 200 values in one filter; the page size limit is 1000. */
const MAX_FILTER_VALUES = 200;
const PAGE_SIZE = 1000;

/**
 * Traffic Mirroring quotas page: "Maximum number of sources per target: 100 or 10 depending on the
 * instance type"; NLB and GWLB-endpoint targets: no limit. Which of the two applies depends on the
 * target ENI's instance type, which would take two more describes and rights to read instances;
 * 10 is the figure every ENI target honours, so a pool never plans past what EC2 accepts.
 */
export const SOURCES_PER_INTERFACE_TARGET = 10;

const TARGET_TYPES: ReadonlySet<string> = new Set<MirrorTargetType>(['network-interface', 'network-load-balancer', 'gateway-load-balancer-endpoint']);

/** Paces the mutating calls (create, delete) and learns from EC2's answers how fast they may go. */
export interface MutationPacer {
  /** Resolves when one call may be sent. */
  acquire(): Promise<void>;
  /** EC2 answered (anything but throttling): the call took a token of the account's bucket. */
  succeeded(): void;
  /** EC2 answered RequestLimitExceeded. */
  throttled(): void;
}

export interface PacedMutations {
  readonly pacer: MutationPacer;
  /**
   * The client for the mutating calls, with the SDK's retry off (maxAttempts 1): each attempt,
   * retries included, then goes through the pacer, and each throttle reaches it. Left to the
   * SDK, a throttled create is retried after the SDK's own backoff, past the pacer, into a bucket
   * that is empty, so one throttle became several.
   */
  readonly client: EC2Client;
  /** Attempts per mutating call, throttled ones included. */
  readonly attempts: number;
  readonly clock: Clock;
}

export interface Ec2MirroringOptions {
  /** Paces the mutating calls (create, modify, delete); unpaced (the SDK's retry) by default. */
  readonly mutations?: PacedMutations;
}

/** Failures with no EC2 answer, or a 5xx: retried after a short backoff, outside the pacer's say. */
const TRANSIENT_KINDS: ReadonlySet<MirrorError['kind']> = new Set(['network', 'timeout', 'server-error']);
const TRANSIENT_BASE_DELAY_MS = 100;
const TRANSIENT_MAX_DELAY_MS = 5_000;

export class SdkEc2Mirroring implements Ec2Mirroring {
  constructor(
    private readonly client: EC2Client,
    private readonly options: Ec2MirroringOptions = {},
  ) {}

  findSessionsForEnis(networkInterfaceIds: readonly string[]): Promise<MirrorSession[]> {
    return this.findByFilter('network-interface-id', networkInterfaceIds);
  }

  listSessionsForTarget(targetId: string): AsyncIterable<MirrorSession[]> {
    return this.pages([{ Name: 'traffic-mirror-target-id', Values: [targetId] }]);
  }

  /** A filter, unlike the id list, answers unknown ids with nothing instead of NotFound. */
  findSessionsByIds(sessionIds: readonly string[]): Promise<MirrorSession[]> {
    return this.findByFilter('traffic-mirror-session-id', sessionIds);
  }

  private async findByFilter(name: string, values: readonly string[]): Promise<MirrorSession[]> {
    const unique = [...new Set(values)];
    const sessions: MirrorSession[] = [];
    for (let start = 0; start < unique.length; start += MAX_FILTER_VALUES) {
      const filter: Filter = { Name: name, Values: unique.slice(start, start + MAX_FILTER_VALUES) };
      for await (const page of this.pages([filter])) sessions.push(...page);
    }
    return sessions;
  }

  async createSession(plan: PlannedSession): Promise<MirrorSession> {
    const output = await this.mutate('CreateTrafficMirrorSession', (client) =>
      client.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: plan.networkInterfaceId,
          TrafficMirrorTargetId: plan.targetId,
          TrafficMirrorFilterId: plan.filterId,
          SessionNumber: plan.sessionNumber,
          VirtualNetworkId: plan.virtualNetworkId,
          PacketLength: plan.packetLength,
          Description: plan.description,
          ClientToken: plan.clientToken,
          TagSpecifications: [
            {
              ResourceType: 'traffic-mirror-session',
              Tags: Object.entries(plan.tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      ),
    );
    if (!output.TrafficMirrorSession) throw toMirrorError(new Error('CreateTrafficMirrorSession returned no session'), 'CreateTrafficMirrorSession');
    return toMirrorSession(output.TrafficMirrorSession);
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.mutate('DeleteTrafficMirrorSession', (client) => client.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: sessionId })));
  }

  /** One mutating call: through the pacer, one attempt at a time, when paced; else the SDK's retry. */
  private async mutate<T>(action: string, send: (client: EC2Client) => Promise<T>): Promise<T> {
    const paced = this.options.mutations;
    if (paced === undefined) {
      try {
        return await send(this.client);
      } catch (error) {
        throw toMirrorError(error, action);
      }
    }
    for (let attempt = 1; ; attempt++) {
      await paced.pacer.acquire();
      let failure: MirrorError;
      try {
        const output = await send(paced.client);
        paced.pacer.succeeded();
        return output;
      } catch (error) {
        failure = toMirrorError(error, action);
      }
      if (failure.kind === 'throttled') paced.pacer.throttled();
      else if (failure.awsCode !== undefined && !TRANSIENT_KINDS.has(failure.kind)) paced.pacer.succeeded();
      const again = failure.kind === 'throttled' || TRANSIENT_KINDS.has(failure.kind);
      if (!again || attempt >= paced.attempts) throw failure;
      if (failure.kind !== 'throttled') {
        // Full jitter, as the SDK's own retry: the pacer does not see these.
        const cap = Math.min(TRANSIENT_MAX_DELAY_MS, TRANSIENT_BASE_DELAY_MS * 2 ** (attempt - 1));
        await paced.clock.sleep(Math.random() * cap);
      }
    }
  }

  /**
   * DescribeTrafficMirrorSessions documents no tag filter (API model: description,
   * network-interface-id, owner-id, packet-length, session-number, traffic-mirror-*-id,
   * virtual-network-id), so every session is listed and ours are kept by their tag.
   */
  async *listManagedSessions(): AsyncIterable<MirrorSession[]> {
    for await (const page of this.pages([])) yield page.filter(isManagedSession);
  }

  async modifySession(sessionId: string, changes: SessionChanges): Promise<MirrorSession> {
    const removeFields: TrafficMirrorSessionField[] = [];
    if (changes.packetLength === null) removeFields.push('packet-length');
    if (changes.virtualNetworkId === null) removeFields.push('virtual-network-id');
    const output = await this.mutate('ModifyTrafficMirrorSession', (client) =>
      client.send(
        new ModifyTrafficMirrorSessionCommand({
          TrafficMirrorSessionId: sessionId,
          TrafficMirrorTargetId: changes.targetId,
          TrafficMirrorFilterId: changes.filterId,
          SessionNumber: changes.sessionNumber,
          PacketLength: changes.packetLength ?? undefined,
          VirtualNetworkId: changes.virtualNetworkId ?? undefined,
          Description: changes.description,
          ...(removeFields.length > 0 ? { RemoveFields: removeFields } : {}),
        }),
      ),
    );
    if (!output.TrafficMirrorSession) throw toMirrorError(new Error('ModifyTrafficMirrorSession returned no session'), 'ModifyTrafficMirrorSession');
    return toMirrorSession(output.TrafficMirrorSession);
  }

  /** By filter, not by id list: an id that does not exist is left out instead of failing the call. */
  async describeTargets(targetIds: readonly string[]): Promise<MirrorTarget[]> {
    const unique = [...new Set(targetIds)];
    const targets: MirrorTarget[] = [];
    try {
      for (let start = 0; start < unique.length; start += MAX_FILTER_VALUES) {
        const filter: Filter = { Name: 'traffic-mirror-target-id', Values: unique.slice(start, start + MAX_FILTER_VALUES) };
        for await (const page of paginateDescribeTrafficMirrorTargets({ client: this.client, pageSize: PAGE_SIZE }, { Filters: [filter] })) {
          for (const target of page.TrafficMirrorTargets ?? []) {
            if (target.TrafficMirrorTargetId === undefined || target.Type === undefined || !TARGET_TYPES.has(target.Type)) continue;
            const type = target.Type as MirrorTargetType;
            targets.push({
              targetId: target.TrafficMirrorTargetId,
              type,
              ...(target.NetworkInterfaceId === undefined ? {} : { networkInterfaceId: target.NetworkInterfaceId }),
              ...(type === 'network-interface' ? { maxSources: SOURCES_PER_INTERFACE_TARGET } : {}),
            });
          }
        }
      }
    } catch (error) {
      throw toMirrorError(error, 'DescribeTrafficMirrorTargets');
    }
    return targets;
  }

  async countSourcesForTargets(targetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const sources = new Map<string, Set<string>>(targetIds.map((id) => [id, new Set<string>()]));
    for (const session of await this.findByFilter('traffic-mirror-target-id', targetIds)) {
      sources.get(session.targetId)?.add(session.networkInterfaceId);
    }
    return new Map([...sources].map(([id, enis]) => [id, enis.size]));
  }

  /** By the subnet-id filter, so a subnet deleted since is left out rather than failing the call. */
  async subnetAvailabilityZoneIds(subnetIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const unique = [...new Set(subnetIds)];
    const zones = new Map<string, string>();
    try {
      for (let start = 0; start < unique.length; start += MAX_FILTER_VALUES) {
        const output = await this.client.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'subnet-id', Values: unique.slice(start, start + MAX_FILTER_VALUES) }] }));
        for (const subnet of output.Subnets ?? []) {
          if (subnet.SubnetId !== undefined && subnet.AvailabilityZoneId !== undefined) zones.set(subnet.SubnetId, subnet.AvailabilityZoneId);
        }
      }
    } catch (error) {
      throw toMirrorError(error, 'DescribeSubnets');
    }
    return zones;
  }

  async primaryNetworkInterfaces(instanceIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const unique = [...new Set(instanceIds)];
    const primary = new Map<string, string>();
    try {
      for (let start = 0; start < unique.length; start += MAX_FILTER_VALUES) {
        // A filter, not InstanceIds: an instance terminated meanwhile is left out instead of failing the call.
        let token: string | undefined;
        do {
          const output = await this.client.send(
            new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: unique.slice(start, start + MAX_FILTER_VALUES) }], ...(token ? { NextToken: token } : {}) }),
          );
          for (const instance of (output.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
            const eni = (instance.NetworkInterfaces ?? []).find((n) => n.Attachment?.DeviceIndex === 0);
            if (instance.InstanceId !== undefined && eni?.NetworkInterfaceId !== undefined) primary.set(instance.InstanceId, eni.NetworkInterfaceId);
          }
          token = output.NextToken;
        } while (token);
      }
    } catch (error) {
      throw toMirrorError(error, 'DescribeInstances');
    }
    return primary;
  }

  async networkInterfaceTypes(networkInterfaceIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const unique = [...new Set(networkInterfaceIds)];
    const types = new Map<string, string>();
    try {
      for (let start = 0; start < unique.length; start += MAX_FILTER_VALUES) {
        let token: string | undefined;
        do {
          const output = await this.client.send(
            new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'network-interface-id', Values: unique.slice(start, start + MAX_FILTER_VALUES) }], ...(token ? { NextToken: token } : {}) }),
          );
          for (const eni of output.NetworkInterfaces ?? []) {
            if (eni.NetworkInterfaceId !== undefined) types.set(eni.NetworkInterfaceId, eni.InterfaceType ?? 'interface');
          }
          token = output.NextToken;
        } while (token);
      }
    } catch (error) {
      throw toMirrorError(error, 'DescribeNetworkInterfaces');
    }
    return types;
  }

  private async *pages(filters: Filter[]): AsyncIterable<MirrorSession[]> {
    try {
      const paginator = paginateDescribeTrafficMirrorSessions({ client: this.client, pageSize: PAGE_SIZE }, filters.length > 0 ? { Filters: filters } : {});
      for await (const page of paginator) yield (page.TrafficMirrorSessions ?? []).map(toMirrorSession);
    } catch (error) {
      throw toMirrorError(error, 'DescribeTrafficMirrorSessions');
    }
  }

  /**
   * Asked by id: EC2 answers an unknown id with InvalidTrafficMirror{Target,Filter}Id.NotFound.
   * An empty answer counts as missing too, so the check does not depend on which of the two EC2
   * gives for a target shared from another account that is no longer shared.
   */
  async findTargetAndFilter(targetId: string, filterId: string): Promise<TargetAndFilterCheck> {
    const [region, targetExists, filterExists] = await Promise.all([
      // A missing Region surfaces here first, as the SDK's bare "Region is missing": mapped like any other error.
      this.client.config.region().catch((error: unknown) => {
        throw toMirrorError(error, 'DescribeTrafficMirrorTargets');
      }),
      this.exists('target-not-found', 'DescribeTrafficMirrorTargets', async () => {
        const output = await this.client.send(new DescribeTrafficMirrorTargetsCommand({ TrafficMirrorTargetIds: [targetId] }));
        return (output.TrafficMirrorTargets ?? []).some((t) => t.TrafficMirrorTargetId === targetId);
      }),
      this.exists('filter-not-found', 'DescribeTrafficMirrorFilters', async () => {
        const output = await this.client.send(new DescribeTrafficMirrorFiltersCommand({ TrafficMirrorFilterIds: [filterId] }));
        return (output.TrafficMirrorFilters ?? []).some((f) => f.TrafficMirrorFilterId === filterId);
      }),
    ]);
    return { region, targetExists, filterExists };
  }

  private async exists(notFound: 'target-not-found' | 'filter-not-found', action: string, describe: () => Promise<boolean>): Promise<boolean> {
    try {
      return await describe();
    } catch (error) {
      const mapped = toMirrorError(error, action);
      if (mapped.kind === notFound) return false;
      throw mapped;
    }
  }
}

function toMirrorSession(session: TrafficMirrorSession): MirrorSession {
  const tags: Record<string, string> = {};
  for (const tag of session.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return {
    sessionId: session.TrafficMirrorSessionId ?? '',
    networkInterfaceId: session.NetworkInterfaceId ?? '',
    targetId: session.TrafficMirrorTargetId ?? '',
    filterId: session.TrafficMirrorFilterId ?? '',
    sessionNumber: session.SessionNumber ?? 0,
    ...(session.VirtualNetworkId === undefined ? {} : { virtualNetworkId: session.VirtualNetworkId }),
    ...(session.PacketLength === undefined ? {} : { packetLength: session.PacketLength }),
    ...(session.Description === undefined ? {} : { description: session.Description }),
    ...(session.OwnerId === undefined ? {} : { ownerId: session.OwnerId }),
    tags,
  };
}
