/**
 * Another client of the same account, spending EC2's CreateTrafficMirrorSession bucket at a
 * steady rate while ours mirrors a burst: a real SDK client, creating a session on one of its own
 * ENIs (to its own target, so it never touches ours) and deleting it again, `createsPerSecond`
 * times a second. The emulator keeps one bucket per action (src/emulator/throttle.ts, as EC2's
 * throttling page says "each API is evaluated individually"), so it is the creates that share
 * ours' bucket; its deletes spend DeleteTrafficMirrorSession's own. It retries as the SDK's
 * `standard` mode does, so it keeps its rate while the bucket is contested, like a deploy tool.
 * Its requests are counted here, so the burst can tell them from ours.
 */
import {
  CreateTrafficMirrorFilterCommand,
  CreateTrafficMirrorSessionCommand,
  CreateTrafficMirrorTargetCommand,
  DeleteTrafficMirrorSessionCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import type { RunningEmulator } from '../src/emulator/index.js';

const COMPETITOR_NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/other-tool/fedcba9876543210';

export interface CompetitorStats {
  readonly createsPerSecond: number;
  /** Requests it sent to EC2 (every attempt, setup included). */
  readonly ec2Requests: number;
  readonly createsSucceeded: number;
  readonly createsFailed: number;
  readonly createAttemptsThrottled: number;
  /** Sessions created per second while it ran. */
  readonly achievedCreatesPerSecond: number;
}

export interface RunningCompetitor {
  /** Its EC2 requests so far, and its throttled creates. */
  requests(): number;
  throttled(): number;
  stop(): Promise<CompetitorStats>;
}

export interface CompetitorOptions {
  readonly createsPerSecond: number;
  readonly aws: { readonly endpoint: string; readonly region: string; readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function startCompetitor(emulator: RunningEmulator, options: CompetitorOptions): Promise<RunningCompetitor> {
  const counts = { ec2Requests: 0, createsSucceeded: 0, createsFailed: 0, createAttemptsThrottled: 0 };
  const client = new EC2Client({ ...options.aws, retryMode: 'standard', maxAttempts: 5 });
  // Inside the retry loop and below the deserializer: one count per attempt, on the raw HTTP answer.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.ec2Requests++;
      const output = await next(args);
      const status = (output.response as { statusCode?: number } | undefined)?.statusCode;
      if (context.commandName === 'CreateTrafficMirrorSessionCommand' && status === 503) counts.createAttemptsThrottled++;
      return output;
    },
    { step: 'deserialize', name: 'competitorAttemptCounter' },
  );
  const target = await client.send(new CreateTrafficMirrorTargetCommand({ NetworkLoadBalancerArn: COMPETITOR_NLB_ARN }));
  const filter = await client.send(new CreateTrafficMirrorFilterCommand({ Description: 'another tool' }));
  const targetId = target.TrafficMirrorTarget?.TrafficMirrorTargetId ?? '';
  const filterId = filter.TrafficMirrorFilter?.TrafficMirrorFilterId ?? '';
  const subnetId = [...emulator.network.subnets.keys()][0] ?? '';
  const enis = Array.from({ length: 30 }, () => emulator.network.createEni({ subnetId, description: 'another tool' }).networkInterfaceId);

  let stopped = false;
  const inFlight = new Set<Promise<void>>();
  const startedAt = performance.now();
  let next = 0;
  const oneCreate = async (eni: string, sessionNumber: number): Promise<void> => {
    try {
      const created = await client.send(
        new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: eni, TrafficMirrorTargetId: targetId, TrafficMirrorFilterId: filterId, SessionNumber: sessionNumber }),
      );
      counts.createsSucceeded++;
      const id = created.TrafficMirrorSession?.TrafficMirrorSessionId;
      if (id) await client.send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: id }));
    } catch {
      counts.createsFailed++;
    }
  };
  const loop = (async () => {
    const intervalMs = 1000 / options.createsPerSecond;
    let due = performance.now();
    while (!stopped) {
      // One ENI per call in turn, and a new session number each round (EC2 allows 3 sessions per ENI).
      const eni = enis[next % enis.length] ?? '';
      const sessionNumber = 1 + (Math.floor(next / enis.length) % 3);
      next++;
      const work = oneCreate(eni, sessionNumber).finally(() => inFlight.delete(work));
      inFlight.add(work);
      due += intervalMs;
      await sleep(Math.max(0, due - performance.now()));
    }
  })();

  return {
    requests: () => counts.ec2Requests,
    throttled: () => counts.createAttemptsThrottled,
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all([...inFlight]);
      const seconds = (performance.now() - startedAt) / 1000;
      client.destroy();
      return { createsPerSecond: options.createsPerSecond, ...counts, achievedCreatesPerSecond: seconds > 0 ? counts.createsSucceeded / seconds : 0 };
    },
  };
}
