export { METRIC } from '../contract/metrics.js';
import type { MirrorConfig } from '../config/from-env.js';
import type { Clock, Ec2Mirroring, EcsTasks, Logger, Metrics } from '../ports/index.js';
import type { KnownSessions } from './known-sessions.js';

/** Everything a use case needs, built once per process by an entry point (Lambda, CLI, demo). */
export interface AppDeps {
  readonly config: MirrorConfig;
  readonly ec2: Ec2Mirroring;
  /** Loaded on first use: most invocations never need ECS. */
  readonly ecs: () => Promise<EcsTasks>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** ENIs this process already mirrored: repeated events skip the describe. */
  readonly knownSessions?: KnownSessions;
}


/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
