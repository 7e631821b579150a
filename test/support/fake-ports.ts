import { MirrorError, type MirrorErrorKind } from '../../src/core/errors.js';
import type { PlannedSession } from '../../src/core/plan.js';
import { isManagedSession, type MirrorSession } from '../../src/core/session.js';
import type { SessionChanges } from '../../src/core/session-changes.js';
import type { TaskSnapshot } from '../../src/core/task.js';
import type { ContainerInstanceFact } from '../../src/core/door.js';
import type { Clock, DescribedContainerInstances, DescribedTasks, Ec2Mirroring, EcsTasks, Logger, Metrics, MirrorTarget, TargetAndFilterCheck } from '../../src/ports/index.js';

/** In-memory EC2 mirroring with scripted failures, for unit tests of the use cases. */
export class FakeEc2 implements Ec2Mirroring {
  readonly sessions = new Map<string, MirrorSession>();
  readonly calls: string[] = [];
  /** Errors to throw from createSession, per ENI, consumed in order. */
  readonly createFailures = new Map<string, MirrorErrorKind[]>();
  describeFailure: MirrorErrorKind | undefined;
  /** ENIs whose create never answers (a hung call). */
  readonly hangingCreates = new Set<string>();
  private readonly tokens = new Map<string, string>();
  private counter = 0;

  async findSessionsForEnis(ids: readonly string[]): Promise<MirrorSession[]> {
    this.calls.push('describe');
    if (this.describeFailure) throw new MirrorError(this.describeFailure, `describe failed: ${this.describeFailure}`);
    return [...this.sessions.values()].filter((s) => ids.includes(s.networkInterfaceId));
  }

  async *listSessionsForTarget(targetId: string): AsyncIterable<MirrorSession[]> {
    this.calls.push('list');
    yield [...this.sessions.values()].filter((s) => s.targetId === targetId);
  }

  async findSessionsByIds(sessionIds: readonly string[]): Promise<MirrorSession[]> {
    this.calls.push('find');
    return sessionIds.flatMap((id) => {
      const session = this.sessions.get(id);
      return session ? [session] : [];
    });
  }

  async createSession(plan: PlannedSession): Promise<MirrorSession> {
    this.calls.push('create');
    if (this.hangingCreates.has(plan.networkInterfaceId)) return new Promise<MirrorSession>(() => undefined);
    const failure = this.createFailures.get(plan.networkInterfaceId)?.shift();
    if (failure) throw new MirrorError(failure, `create failed: ${failure}`, failure);
    const known = this.tokens.get(plan.clientToken);
    if (known) return this.sessions.get(known) ?? { ...this.toSession(plan), sessionId: known };
    const session = this.toSession(plan);
    this.tokens.set(plan.clientToken, session.sessionId);
    this.sessions.set(session.sessionId, session);
    return session;
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.calls.push('delete');
    this.sessions.delete(sessionId);
  }

  /** Targets and filters that do not exist; every other id does. */
  readonly missingTargets = new Set<string>();
  readonly missingFilters = new Set<string>();

  async findTargetAndFilter(targetId: string, filterId: string): Promise<TargetAndFilterCheck> {
    this.calls.push('check');
    return { region: 'us-east-1', targetExists: !this.missingTargets.has(targetId), filterExists: !this.missingFilters.has(filterId) };
  }

  async *listManagedSessions(): AsyncIterable<MirrorSession[]> {
    this.calls.push('list-managed');
    yield [...this.sessions.values()].filter(isManagedSession);
  }

  /** Errors to throw from modifySession, per session id, consumed in order. */
  readonly modifyFailures = new Map<string, MirrorErrorKind[]>();

  async modifySession(sessionId: string, changes: SessionChanges): Promise<MirrorSession> {
    this.calls.push('modify');
    const failure = this.modifyFailures.get(sessionId)?.shift();
    if (failure) throw new MirrorError(failure, `modify failed: ${failure}`, failure);
    const session = this.sessions.get(sessionId);
    if (!session) throw new MirrorError('session-not-found', `no session ${sessionId}`, 'InvalidTrafficMirrorSessionId.NotFound');
    const { packetLength, virtualNetworkId, ...rest } = { ...session };
    const modified: MirrorSession = {
      ...rest,
      ...(changes.targetId === undefined ? {} : { targetId: changes.targetId }),
      ...(changes.filterId === undefined ? {} : { filterId: changes.filterId }),
      ...(changes.sessionNumber === undefined ? {} : { sessionNumber: changes.sessionNumber }),
      ...(changes.description === undefined ? {} : { description: changes.description }),
      ...optional('packetLength', changes.packetLength === undefined ? packetLength : (changes.packetLength ?? undefined)),
      ...optional('virtualNetworkId', changes.virtualNetworkId === undefined ? virtualNetworkId : (changes.virtualNetworkId ?? undefined)),
    };
    this.sessions.set(sessionId, modified);
    return modified;
  }

  /** Targets by id; an id not set here is an NLB target (no source limit). */
  readonly targets = new Map<string, MirrorTarget>();

  async describeTargets(targetIds: readonly string[]): Promise<MirrorTarget[]> {
    this.calls.push('describe-targets');
    return [...new Set(targetIds)].flatMap((id) => (this.missingTargets.has(id) ? [] : [this.targets.get(id) ?? { targetId: id, type: 'network-load-balancer' as const }]));
  }

  async countSourcesForTargets(targetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    this.calls.push('count-sources');
    return new Map(targetIds.map((id) => [id, new Set([...this.sessions.values()].filter((s) => s.targetId === id).map((s) => s.networkInterfaceId)).size]));
  }

  /** Subnet id → AZ id. */
  readonly subnetZones = new Map<string, string>();

  async subnetAvailabilityZoneIds(subnetIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.calls.push('describe-subnets');
    return new Map(subnetIds.flatMap((id) => {
      const zone = this.subnetZones.get(id);
      return zone === undefined ? [] : [[id, zone] as const];
    }));
  }

  /** EC2 instance id → primary ENI id. */
  readonly primaryEnis = new Map<string, string>();
  /** ENI id → InterfaceType; an ENI not in it is `interface`. */
  readonly interfaceTypes = new Map<string, string>();

  async primaryNetworkInterfaces(instanceIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.calls.push('describe-instances');
    return new Map(instanceIds.flatMap((id) => {
      const eni = this.primaryEnis.get(id);
      return eni === undefined ? [] : [[id, eni] as const];
    }));
  }

  async networkInterfaceTypes(networkInterfaceIds: readonly string[]): Promise<ReadonlyMap<string, string>> {
    this.calls.push('describe-network-interfaces');
    return new Map(networkInterfaceIds.map((id) => [id, this.interfaceTypes.get(id) ?? 'interface'] as const));
  }

  add(session: Omit<MirrorSession, 'sessionId'> & { sessionId?: string }): MirrorSession {
    const full = { ...session, sessionId: session.sessionId ?? `tms-${String(++this.counter).padStart(17, '0')}` };
    this.sessions.set(full.sessionId, full);
    return full;
  }

  private toSession(plan: PlannedSession): MirrorSession {
    return {
      sessionId: `tms-${String(++this.counter).padStart(17, '0')}`,
      networkInterfaceId: plan.networkInterfaceId,
      targetId: plan.targetId,
      filterId: plan.filterId,
      sessionNumber: plan.sessionNumber,
      tags: plan.tags,
    };
  }
}

export class FakeEcs implements EcsTasks {
  readonly stopped: { taskArn: string; reason: string }[] = [];
  readonly tagged: { taskArn: string; tags: Record<string, string> }[] = [];
  tasks: TaskSnapshot[] = [];
  /** Every DescribeTasks call: the cluster and the ARNs asked about. */
  readonly describeCalls: { cluster: string; arns: string[] }[] = [];
  /** Tasks the DescribeTasks answer leaves out altogether (neither described nor failed). */
  readonly unanswered = new Set<string>();
  /** Tasks answered as `MISSING` although they exist (a partial answer). */
  readonly reportedMissing = new Set<string>();
  /** Set to make DescribeTasks throw. */
  describeFailure: MirrorErrorKind | undefined;
  /** Set to make ListTasks with this desired status answer nothing (an empty body). */
  readonly emptyLists = new Set<'RUNNING' | 'STOPPED'>();

  async listClusterArns(): Promise<string[]> {
    return [...new Set(this.tasks.map((t) => t.clusterArn))];
  }

  async *listTaskArns(cluster: string, desiredStatus: 'RUNNING' | 'STOPPED', serviceName?: string): AsyncIterable<string[]> {
    if (this.emptyLists.has(desiredStatus)) return yield [];
    yield this.tasks
      .filter((t) => (t.clusterArn === cluster || t.clusterName === cluster) && (t.desiredStatus ?? 'RUNNING') === desiredStatus)
      .filter((t) => serviceName === undefined || t.serviceName === serviceName)
      .map((t) => t.taskArn);
  }

  async describeTasks(cluster: string, taskArns: readonly string[]): Promise<DescribedTasks> {
    this.describeCalls.push({ cluster, arns: [...taskArns] });
    if (this.describeFailure) throw new MirrorError(this.describeFailure, `DescribeTasks failed: ${this.describeFailure}`);
    const inCluster = (t: TaskSnapshot) => t.clusterArn === cluster || t.clusterName === cluster;
    const asked = taskArns.filter((arn) => !this.unanswered.has(arn));
    const tasks = this.tasks.filter((t) => asked.includes(t.taskArn) && inCluster(t) && !this.reportedMissing.has(t.taskArn));
    const missing = asked.filter((arn) => !tasks.some((t) => t.taskArn === arn));
    return { tasks, failures: missing.map((arn) => ({ arn, reason: 'MISSING' })) };
  }

  async stopTask(_cluster: string, taskArn: string, reason: string): Promise<void> {
    this.stopped.push({ taskArn, reason });
    // As ECS does: the task is stopping, keeps the reason, and loses its tags.
    this.tasks = this.tasks.map((t) => (t.taskArn === taskArn ? { ...t, desiredStatus: 'STOPPED', stoppedReason: reason, tags: {} } : t));
  }

  async tagTask(taskArn: string, tags: Readonly<Record<string, string>>): Promise<void> {
    this.tagged.push({ taskArn, tags: { ...tags } });
    // ECS keeps tags on the task, and DescribeTasks (include TAGS) shows them.
    this.tasks = this.tasks.map((t) => (t.taskArn === taskArn ? { ...t, tags: { ...t.tags, ...tags } } : t));
  }

  /** Container instances by ARN; one not in it is answered MISSING. */
  readonly containerInstances = new Map<string, ContainerInstanceFact>();
  readonly describeInstanceCalls: { cluster: string; arns: string[] }[] = [];

  async describeContainerInstances(cluster: string, containerInstanceArns: readonly string[]): Promise<DescribedContainerInstances> {
    this.describeInstanceCalls.push({ cluster, arns: [...containerInstanceArns] });
    const instances = containerInstanceArns.flatMap((arn) => this.containerInstances.get(arn) ?? []);
    return { instances, missing: containerInstanceArns.filter((arn) => !this.containerInstances.has(arn)) };
  }
}

/**
 * A clock whose sleeps end on the next turn of the event loop and then move time forward: work
 * that answers at once (the fakes) wins a race against it, a call that never answers loses.
 */
export class TurnClock implements Clock {
  constructor(private time = Date.parse('2026-11-27T05:00:00Z')) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    // Sleeps that overlap end together, as on a real clock; an aborted one moves nothing.
    const until = this.time + ms;
    await new Promise((resolve) => setImmediate(resolve));
    if (signal?.aborted) return;
    this.time = Math.max(this.time, until);
  }
}

/** A clock whose sleeps return at once and only move time forward. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  constructor(private time = Date.parse('2026-11-27T05:00:00Z')) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

export class CountingMetrics implements Metrics {
  readonly counts = new Map<string, number>();
  count(name: string, value = 1): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + value);
  }
  percent(name: string, value: number): void {
    this.counts.set(name, value);
  }
  flush(): void {}
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }
}

export class RecordingLogger implements Logger {
  readonly lines: { level: string; message: string; attributes?: Record<string, unknown> }[] = [];
  debug = (message: string, attributes?: Record<string, unknown>) => this.lines.push({ level: 'debug', message, attributes });
  info = (message: string, attributes?: Record<string, unknown>) => this.lines.push({ level: 'info', message, attributes });
  warn = (message: string, attributes?: Record<string, unknown>) => this.lines.push({ level: 'warn', message, attributes });
  error = (message: string, attributes?: Record<string, unknown>) => this.lines.push({ level: 'error', message, attributes });
}

function optional<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}
