/**
 * Start-up latency of mirroring: for each mirrorable ENI, ENI ATTACHED → our session exists, and
 * whether the session existed before the task was RUNNING (traffic before it is never seen).
 * ATTACHED and RUNNING are the emulator's own times for the task (`connectivityAt`, set when the
 * attachment becomes ATTACHED at PENDING, and `startedAt`); "session exists" is the first poll
 * that saw it, so the figures are late by at most one poll interval.
 */
import type { RunningEmulator } from '../src/emulator/index.js';

export interface LatencyTask {
  readonly taskArn: string;
  readonly networkInterfaceId: string | undefined;
  readonly mirrorable: boolean;
}

export interface LatencySummary {
  /** Mirrorable ENIs whose session was seen. */
  readonly count: number;
  /** Mirrorable ENIs never seen with a session (left out of the percentiles). */
  readonly missing: number;
  readonly p50Ms: number | null;
  readonly p95Ms: number | null;
  readonly p99Ms: number | null;
  readonly maxMs: number | null;
  /** Share (percent) of mirrorable ENIs whose session existed before the task's RUNNING. */
  readonly beforeRunningPercent: number | null;
  /** ATTACHED → RUNNING of the same tasks, median (the time there is to mirror before traffic). */
  readonly attachedToRunningP50Ms: number | null;
  readonly pollMs: number;
}

export const LATENCY_TARGETS = { p99Ms: 3_000, beforeRunningPercent: 100 } as const;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}

function epochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? undefined : parsed;
  }
  return undefined;
}

/** Records when each ENI was first seen with a session; the caller polls (see `poll`). */
export class SessionFirstSeen {
  private readonly firstSeen = new Map<string, number>();

  constructor(readonly pollMs: number) {}

  /** Call with the ENIs that have a session now (epoch ms). */
  saw(networkInterfaceIds: Iterable<string>, now = Date.now()): void {
    for (const id of networkInterfaceIds) if (!this.firstSeen.has(id)) this.firstSeen.set(id, now);
  }

  summary(emulator: RunningEmulator, tasks: readonly LatencyTask[]): LatencySummary {
    const latencies: number[] = [];
    const attachedToRunning: number[] = [];
    let beforeRunning = 0;
    let mirrorable = 0;
    let missing = 0;
    for (const task of tasks) {
      if (!task.mirrorable || task.networkInterfaceId === undefined) continue;
      mirrorable++;
      const view = emulator.ecs.describeTask(task.taskArn);
      const attachedAt = epochMs(view?.connectivityAt);
      const runningAt = epochMs(view?.startedAt);
      const sessionAt = this.firstSeen.get(task.networkInterfaceId);
      if (attachedAt !== undefined && runningAt !== undefined) attachedToRunning.push(runningAt - attachedAt);
      if (sessionAt === undefined || attachedAt === undefined) {
        missing++;
        continue;
      }
      latencies.push(Math.max(0, sessionAt - attachedAt));
      if (runningAt === undefined || sessionAt < runningAt) beforeRunning++;
    }
    latencies.sort((a, b) => a - b);
    attachedToRunning.sort((a, b) => a - b);
    return {
      count: latencies.length,
      missing,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.at(-1) ?? null,
      beforeRunningPercent: mirrorable === 0 ? null : (beforeRunning / mirrorable) * 100,
      attachedToRunningP50Ms: percentile(attachedToRunning, 50),
      pollMs: this.pollMs,
    };
  }
}

export function formatLatency(summary: LatencySummary): string {
  const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  return (
    `ENI ATTACHED → session: p50 ${s(summary.p50Ms)}, p95 ${s(summary.p95Ms)}, p99 ${s(summary.p99Ms)} (target ≤ ${LATENCY_TARGETS.p99Ms / 1000} s), max ${s(summary.maxMs)}; ` +
    `session before RUNNING: ${summary.beforeRunningPercent === null ? '—' : `${summary.beforeRunningPercent.toFixed(1)}%`} (target 100%); ` +
    `${summary.count} ENIs${summary.missing > 0 ? `, ${summary.missing} never mirrored` : ''}; ATTACHED → RUNNING p50 ${s(summary.attachedToRunningP50Ms)}; poll ${summary.pollMs} ms`
  );
}
