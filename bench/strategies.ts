/**
 * The two ways of mirroring a burst that the benchmark compares, each wired to an emulator the
 * way it is deployed on AWS:
 * - `seed`: EventBridge rule (ACTIVATING) → Lambda, asynchronous, one invocation per event;
 * - `ours`: EventBridge rule (PENDING/ACTIVATING/RUNNING) → SQS → Lambda batches (the construct's
 *   event source settings), the real handleTaskEvents on composeAppDeps, one set of deps per warm
 *   Lambda container; plus the scheduled reconcile as the safety net.
 */
import type { AppDeps } from '../src/app/deps.js';
import { handleTaskEvents } from '../src/app/handle-task-events.js';
import { reconcile } from '../src/app/reconcile.js';
import { composeAppDeps } from '../src/aws/compose.js';
import { QueueDelivery, type QueueDeliveryOptions } from '../src/emulator/event-delivery.js';
import type { RunningEmulator } from '../src/emulator/index.js';
import { MirrorError } from '../src/core/errors.js';
import { noMetrics, silentLogger, type Ec2Mirroring } from '../src/ports/index.js';
import { CONSTRUCT_RULE, matches, seedRule } from './event-rules.js';
import { AsyncLambdaInvoker, LAMBDA_ASYNC_DEFAULTS } from './lambda-async.js';
import { SEED_MAX_ATTEMPTS, seedLambdaHandler, type SeedClientSettings, type SeedLogKind } from './seed-lambda.js';

export interface StrategyWorld {
  readonly emulator: RunningEmulator;
  readonly targetId: string;
  readonly filterId: string;
  readonly clusterArn: string;
  readonly aws: SeedClientSettings;
}

export interface RunningStrategy {
  /** True when nothing this strategy started is still pending (no invocation, queue, retry or sweep). */
  settled(): Promise<boolean>;
  /** Waits, at most timeoutMs, until settled. */
  quiesce(timeoutMs: number): Promise<void>;
  /** Counters for the report. */
  details(): Record<string, number>;
  stop(): Promise<void>;
}

export interface Strategy {
  readonly name: string;
  /** One line: the topology and its settings. */
  readonly label: string;
  readonly settings: Readonly<Record<string, number | string | boolean | null>>;
  start(world: StrategyWorld): RunningStrategy;
}

function increment(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await sleep(50);
}

// ---------------------------------------------------------------------------------------------
// seed

export function seedStrategy(maxConcurrency = LAMBDA_ASYNC_DEFAULTS.maxConcurrency): Strategy {
  return {
    name: 'seed',
    label: `seed Lambda (port): EventBridge rule lastStatus=ACTIVATING → Lambda async, 1 event/invocation, ≤${maxConcurrency} concurrent, 2 async retries (1 min, 2 min); botocore legacy retry, ${SEED_MAX_ATTEMPTS} attempts, rand × 2^(n−1) s`,
    settings: { maxConcurrency, asyncRetries: LAMBDA_ASYNC_DEFAULTS.retryDelaysMs.length, sdkRetryMode: 'botocore-legacy', sdkMaxAttempts: SEED_MAX_ATTEMPTS },
    start(world) {
      const logs: Record<string, number> = {};
      const invoker = new AsyncLambdaInvoker<unknown>(
        (event) =>
          seedLambdaHandler(event, {
            env: { TrafficMirrorTarget: world.targetId, TrafficMirrorFilter: world.filterId },
            aws: world.aws,
            log: (kind: SeedLogKind) => increment(logs, kind),
            retry: { random: Math.random, sleep, onAttempt: (attempt) => increment(logs, attempt === 1 ? 'sdk:calls' : 'sdk:retries') },
          }),
        { ...LAMBDA_ASYNC_DEFAULTS, maxConcurrency },
      );
      const rule = seedRule(world.clusterArn);
      const unsubscribe = world.emulator.ecs.subscribe((event) => {
        if (matches(rule, event)) invoker.invoke(event);
      });
      return {
        settled: () => Promise.resolve(invoker.idle()),
        quiesce: (timeoutMs) => until(() => invoker.idle(), timeoutMs),
        details: () => {
          const s = invoker.stats();
          return {
            events: s.events,
            invocations: s.invocations,
            invocationErrors: s.errors,
            asyncRetries: s.retries,
            droppedAfterRetries: s.dropped,
            maxConcurrentInvocations: s.maxInFlight,
            ...Object.fromEntries(Object.entries(logs).map(([k, v]) => [`log:${k}`, v])),
          };
        },
        stop: async () => {
          unsubscribe();
          invoker.close();
          await until(() => invoker.inFlight() === 0, 10_000);
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ours

export interface OursSettings {
  readonly queue: QueueDeliveryOptions;
  /** MIRROR_CREATE_RATE of each Lambda container; undefined = no client-side cap. */
  readonly createRatePerConsumer: number | undefined;
  /** Period of the scheduled reconcile, from the burst's start; 0 = no reconcile. */
  readonly reconcileEveryMs: number;
  /** MIRROR_RECONCILE_GRACE_SECONDS × 1000: the sweep leaves younger tasks to the event path. */
  readonly reconcileGraceMs: number;
  /** From the state change to the event in the queue (EventBridge matching and delivery to SQS). */
  readonly eventBridgeDelayMs?: number;
  /** From a batch leaving the queue to the handler running (SQS poller, warm Lambda invoke). */
  readonly lambdaStartMs?: number;
}

/**
 * The deployed topology's own delays, which the emulator does not have. Neither EventBridge nor
 * SQS-to-Lambda documents a latency figure (inferred values, stated as such in
 * docs/performance.md): half a second from a task's state change to its event in the queue, and
 * 100 ms for the poller to hand a batch to a warm function. The SQS batching window is modelled
 * by QueueDelivery itself.
 */
export const TOPOLOGY_DELAYS = { eventBridgeDelayMs: 500, lambdaStartMs: 100 } as const;

/**
 * The EC2 port with its calls counted under `prefix` (event path or sweep), by outcome: the
 * emulator counts requests (SDK retries included), this says which part of ours asked and why.
 */
function countingEc2(ec2: Ec2Mirroring, counts: Record<string, number>, prefix: string): Ec2Mirroring {
  const outcome = async <T>(name: string, work: Promise<T>): Promise<T> => {
    increment(counts, `${prefix}:${name}`);
    try {
      return await work;
    } catch (error) {
      increment(counts, `${prefix}:${name}:${error instanceof MirrorError ? error.kind : 'error'}`);
      throw error;
    }
  };
  return {
    findSessionsForEnis: (ids) => outcome('findSessionsForEnis', ec2.findSessionsForEnis(ids)),
    listSessionsForTarget: (targetId) => {
      increment(counts, `${prefix}:listSessionsForTarget`);
      return ec2.listSessionsForTarget(targetId);
    },
    createSession: (plan) => outcome('createSession', ec2.createSession(plan)),
    deleteSession: (sessionId) => outcome('deleteSession', ec2.deleteSession(sessionId)),
    findSessionsByIds: (ids) => outcome('findSessionsByIds', ec2.findSessionsByIds(ids)),
    findTargetAndFilter: (targetId, filterId) => outcome('findTargetAndFilter', ec2.findTargetAndFilter(targetId, filterId)),
    listManagedSessions: () => {
      increment(counts, `${prefix}:listManagedSessions`);
      return ec2.listManagedSessions();
    },
    modifySession: (sessionId, changes) => outcome('modifySession', ec2.modifySession(sessionId, changes)),
    describeTargets: (ids) => outcome('describeTargets', ec2.describeTargets(ids)),
    countSourcesForTargets: (ids) => outcome('countSourcesForTargets', ec2.countSourcesForTargets(ids)),
    subnetAvailabilityZoneIds: (ids) => outcome('subnetAvailabilityZoneIds', ec2.subnetAvailabilityZoneIds(ids)),
    primaryNetworkInterfaces: (ids) => outcome('primaryNetworkInterfaces', ec2.primaryNetworkInterfaces(ids)),
    networkInterfaceTypes: (ids) => outcome('networkInterfaceTypes', ec2.networkInterfaceTypes(ids)),
  };
}

/** Warm Lambda containers: one set of deps (clients, limiter, cache) per concurrent invocation. */
class WarmContainers<T> {
  private readonly free: T[] = [];
  created = 0;

  constructor(private readonly create: () => T) {}

  async use<R>(work: (container: T) => Promise<R>): Promise<R> {
    const container = this.free.pop() ?? this.fresh();
    try {
      return await work(container);
    } finally {
      this.free.push(container);
    }
  }

  private fresh(): T {
    this.created++;
    return this.create();
  }
}

export function oursStrategy(settings: OursSettings): Strategy {
  const q = settings.queue;
  const rate = settings.createRatePerConsumer;
  return {
    name: 'ours',
    label:
      `ours: EventBridge rule PENDING/ACTIVATING/RUNNING → SQS → Lambda (batch ${q.batchSize}, window ${q.batchWindowMs / 1000} s, ` +
      `max concurrency ${q.maxConcurrency}, visibility ${q.visibilityTimeoutMs / 1000} s, maxReceiveCount ${q.maxReceiveCount}), ` +
      `MIRROR_CREATE_RATE ${rate ?? 'unset'} per container; EventBridge ${settings.eventBridgeDelayMs ?? 0} ms, Lambda start ${settings.lambdaStartMs ?? 0} ms; reconcile ${settings.reconcileEveryMs > 0 ? `every ${settings.reconcileEveryMs / 1000} s, grace ${settings.reconcileGraceMs / 1000} s` : 'off'}`,
    settings: {
      batchSize: q.batchSize,
      batchWindowMs: q.batchWindowMs,
      maxConcurrency: q.maxConcurrency,
      visibilityTimeoutMs: q.visibilityTimeoutMs,
      maxReceiveCount: q.maxReceiveCount,
      createRatePerConsumer: rate ?? null,
      reconcileEveryMs: settings.reconcileEveryMs,
      reconcileGraceMs: settings.reconcileGraceMs,
      eventBridgeDelayMs: settings.eventBridgeDelayMs ?? 0,
      lambdaStartMs: settings.lambdaStartMs ?? 0,
    },
    start(world) {
      const env: Record<string, string> = {
        MIRROR_TARGET_ID: world.targetId,
        MIRROR_FILTER_ID: world.filterId,
        ...(rate === undefined ? {} : { MIRROR_CREATE_RATE: String(rate) }),
        MIRROR_RECONCILE_GRACE_SECONDS: String(Math.round(settings.reconcileGraceMs / 1000)),
      };
      const portCalls: Record<string, number> = {};
      const compose = (prefix: string): AppDeps => {
        const deps = composeAppDeps({ env, logger: silentLogger, metrics: noMetrics, aws: world.aws });
        return { ...deps, ec2: countingEc2(deps.ec2, portCalls, prefix) };
      };
      const containers = new WarmContainers(() => compose('event'));
      const outcomes: Record<string, number> = {};
      const counters = { batches: 0, batchFailures: 0, reconcileRuns: 0, reconcileSkipped: 0, reconcileCreated: 0, reconcileFailures: 0, reconcileErrors: 0 };
      let handling = 0;

      const lambdaStartMs = settings.lambdaStartMs ?? 0;
      const queue = new QueueDelivery(
        (bodies) =>
          containers.use(async (deps) => {
            handling++;
            counters.batches++;
            try {
              if (lambdaStartMs > 0) await sleep(lambdaStartMs);
              const results = await handleTaskEvents(bodies, deps);
              for (const result of results) {
                for (const eni of result.enis) increment(outcomes, eni.outcome);
                if (result.failure) counters.batchFailures++;
              }
              return results.map((r) => r.failure !== undefined);
            } finally {
              handling--;
            }
          }),
        q,
      );
      const eventBridgeDelayMs = settings.eventBridgeDelayMs ?? 0;
      const inEventBridge = new Set<NodeJS.Timeout>();
      const unsubscribe = world.emulator.ecs.subscribe((event) => {
        if (!matches(CONSTRUCT_RULE, event)) return;
        if (eventBridgeDelayMs <= 0) {
          queue.send(event);
          return;
        }
        const timer = setTimeout(() => {
          inEventBridge.delete(timer);
          queue.send(event);
        }, eventBridgeDelayMs);
        inEventBridge.add(timer);
      });

      // The reconcile Lambda is its own container; on-schedule.ts paces it with MIRROR_CREATE_RATE.
      let reconcileDeps: AppDeps | undefined;
      let sweep: Promise<void> | undefined;
      const runSweep = () => {
        if (sweep) {
          counters.reconcileSkipped++;
          return;
        }
        reconcileDeps ??= compose('sweep');
        const deps = reconcileDeps;
        counters.reconcileRuns++;
        sweep = reconcile(deps, { dryRun: false, ...(deps.config.createRatePerSecond ? { actionsPerSecond: deps.config.createRatePerSecond } : {}) })
          .then((report) => {
            counters.reconcileCreated += report.created.length;
            counters.reconcileFailures += report.failures.length;
          })
          .catch(() => {
            counters.reconcileErrors++;
          })
          .finally(() => {
            sweep = undefined;
          });
      };
      const schedule = settings.reconcileEveryMs > 0 ? setInterval(runSweep, settings.reconcileEveryMs) : undefined;

      /** QueueDelivery.drained() resolves at once (a microtask) when nothing is queued, in flight or delayed. */
      const queueIdle = () => Promise.race([queue.drained().then(() => true), sleep(0).then(() => false)]);
      const settled = async () => inEventBridge.size === 0 && (await queueIdle()) && sweep === undefined;
      return {
        settled,
        quiesce: async (timeoutMs) => {
          const deadline = Date.now() + timeoutMs;
          while (!(await settled()) && Date.now() < deadline) await sleep(100);
        },
        details: () => {
          const delivery = queue.stats();
          return {
            eventsQueued: delivery.received,
            lambdaInvocations: delivery.invocations,
            redelivered: delivery.redelivered,
            deadLettered: delivery.deadLettered,
            handlerErrors: delivery.handlerErrors,
            containers: containers.created,
            ...counters,
            ...Object.fromEntries(Object.entries(outcomes).map(([k, v]) => [`eventEni:${k}`, v])),
            ...portCalls,
          };
        },
        stop: async () => {
          unsubscribe();
          for (const timer of inEventBridge) clearTimeout(timer);
          inEventBridge.clear();
          if (schedule) clearInterval(schedule);
          queue.close();
          await until(() => handling === 0 && sweep === undefined, 15_000);
        },
      };
    },
  };
}
