import {
  CreateTrafficMirrorSessionCommand,
  DeleteTrafficMirrorSessionCommand,
  DescribeTrafficMirrorFiltersCommand,
  DescribeTrafficMirrorTargetsCommand,
  paginateDescribeTrafficMirrorSessions,
  type EC2Client,
  type Filter,
  type TrafficMirrorSession,
} from '@aws-sdk/client-ec2';
import type { PlannedSession } from '../core/plan.js';
import type { MirrorSession } from '../core/session.js';
import type { Ec2Mirroring, TargetAndFilterCheck } from '../ports/index.js';
import { toMirrorError } from './error-mapping.js';
import type { RateLimiter } from '../app/rate-limiter.js';

/** EC2 accepts at most 200 values in one filter; the page size limit is 1000. */
const MAX_FILTER_VALUES = 200;
const PAGE_SIZE = 1000;

export interface Ec2MirroringOptions {
  /** Paces CreateTrafficMirrorSession calls; none by default. */
  readonly createLimiter?: RateLimiter;
}

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
    await this.options.createLimiter?.acquire();
    try {
      const output = await this.client.send(
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
      );
      if (!output.TrafficMirrorSession) throw new Error('CreateTrafficMirrorSession returned no session');
      return toMirrorSession(output.TrafficMirrorSession);
    } catch (error) {
      throw toMirrorError(error, 'CreateTrafficMirrorSession');
    }
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.options.createLimiter?.acquire();
    try {
      await this.client.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: sessionId }));
    } catch (error) {
      throw toMirrorError(error, 'DeleteTrafficMirrorSession');
    }
  }

  private async *pages(filters: Filter[]): AsyncIterable<MirrorSession[]> {
    try {
      const paginator = paginateDescribeTrafficMirrorSessions({ client: this.client, pageSize: PAGE_SIZE }, { Filters: filters });
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
