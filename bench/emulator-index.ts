/**
 * Emulator index benchmark ("describe sessions by ENI among 10,000 vs among 10",
 * target ≤ 1.5×). Seeds sessions in-process, then times DescribeTrafficMirrorSessions filtered by
 * network-interface-id over HTTP with the real SDK, so the figure includes the wire path.
 *
 *   npx tsx bench/emulator-index.ts [calls=200]
 */
import { DescribeTrafficMirrorSessionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { pathToFileURL } from 'node:url';
import { startEmulator } from '../src/emulator/index.js';

const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/bench/0123456789abcdef';

export interface IndexBenchResult {
  readonly sessions: number;
  readonly calls: number;
  readonly totalMs: number;
  readonly perCallMs: number;
}

/** Times `calls` describes by ENI in an account holding `sessions` sessions (3 per ENI). */
export async function timeDescribeByEni(sessions: number, calls: number): Promise<IndexBenchResult> {
  const emulator = await startEmulator({ port: 0 });
  const client = new EC2Client({
    endpoint: emulator.url,
    region: emulator.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  try {
    const [subnetId] = emulator.network.subnets.keys();
    if (!subnetId) throw new Error('no subnet');
    const target = emulator.ec2.createTarget({ networkLoadBalancerArn: NLB_ARN }).trafficMirrorTarget.trafficMirrorTargetId;
    const filter = emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
    const enis: string[] = [];
    for (let i = 0; i < sessions; i += 1) {
      if (i % 3 === 0) enis.push(emulator.network.createEni({ subnetId }).networkInterfaceId);
      emulator.ec2.createSession({
        networkInterfaceId: enis[enis.length - 1] ?? '',
        trafficMirrorTargetId: target,
        trafficMirrorFilterId: filter,
        sessionNumber: (i % 3) + 1,
      });
    }
    const describe = (eni: string) =>
      client.send(new DescribeTrafficMirrorSessionsCommand({ Filters: [{ Name: 'network-interface-id', Values: [eni] }] }));
    // Warm up the connection pool and the JIT before measuring.
    for (let i = 0; i < 50; i += 1) await describe(enis[i % enis.length] ?? '');
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) {
      const out = await describe(enis[(i * 7919) % enis.length] ?? '');
      if ((out.TrafficMirrorSessions?.length ?? 0) === 0) throw new Error('describe by ENI returned nothing');
    }
    const totalMs = performance.now() - start;
    return { sessions, calls, totalMs, perCallMs: totalMs / calls };
  } finally {
    client.destroy();
    await emulator.close();
  }
}

export interface IndexBenchRound {
  readonly small: IndexBenchResult;
  readonly large: IndexBenchResult;
  readonly ratio: number;
}

export interface IndexBenchSummary {
  readonly rounds: readonly IndexBenchRound[];
  /** Median of the rounds' ratios: one noisy round cannot flip the verdict. */
  readonly medianRatio: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** `repeats` rounds, each timing 10 and then 10,000 sessions back to back (a ratio within one round). */
export async function runEmulatorIndexBench(calls = 200, repeats = 5): Promise<IndexBenchSummary> {
  const rounds: IndexBenchRound[] = [];
  for (let i = 0; i < repeats; i++) {
    const small = await timeDescribeByEni(10, calls);
    const large = await timeDescribeByEni(10_000, calls);
    rounds.push({ small, large, ratio: large.perCallMs / small.perCallMs });
  }
  return { rounds, medianRatio: median(rounds.map((r) => r.ratio)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { rounds, medianRatio } = await runEmulatorIndexBench(Number(process.argv[2] ?? 200));
  for (const r of rounds) console.log(`10: ${r.small.perCallMs.toFixed(3)} ms/call, 10,000: ${r.large.perCallMs.toFixed(3)} ms/call, ratio ${r.ratio.toFixed(2)}`);
  console.log(`ratio 10,000 / 10, median of ${rounds.length}: ${medianRatio.toFixed(2)}× (target ≤ 1.5×)`);
}
