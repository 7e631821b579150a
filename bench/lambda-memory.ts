/**
 * `npm run bench -- lambda-memory`: the memory of the event Lambda's own process through a burst.
 * The handler is bundled as the package ships it and runs in a child `node` process, as in
 * Lambda; the parent holds the emulator and the queue (the construct's batch size and window) and
 * hands each batch to the child as an SQS event. One child is one warm container; it gets the
 * whole account's rate (MIRROR_CREATE_RATE 5), so the burst goes through it alone. The child
 * samples process.memoryUsage() every 100 ms and reports its peaks and the kernel's maxRSS.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_BUNDLES, findPackageRoot } from '../src/contract/package-layout.js';
import { CONSTRUCT_QUEUE_SETTINGS, QueueDelivery } from '../src/emulator/event-delivery.js';
import { startEmulator } from '../src/emulator/index.js';
import type { ProfileName } from '../src/emulator/profile.js';
import { createCluster, createMirrorTargetAndFilter, emulatorClients, registerFargateTaskDefinition, runFargateTasks } from '../src/demo/world.js';
import { bundleLambda } from '../scripts/lambda-build.js';
import { CONSTRUCT_RULE, matches } from './event-rules.js';

const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';

const CHILD = `
import { pathToFileURL } from 'node:url';
const { handler } = await import(pathToFileURL(process.env.BUNDLE).href);
const peak = { rss: 0, heapUsed: 0, heapTotal: 0, external: 0 };
const sample = () => { const m = process.memoryUsage(); for (const k of Object.keys(peak)) peak[k] = Math.max(peak[k], m[k]); };
const timer = setInterval(sample, 100);
let messageId = 0;
process.on('message', async (message) => {
  if (message.kind === 'stop') {
    clearInterval(timer);
    sample();
    process.send({ kind: 'memory', peak, maxRssKiB: process.resourceUsage().maxRSS });
    return;
  }
  sample();
  const Records = message.bodies.map((body) => ({ messageId: String(++messageId), body: JSON.stringify(body) }));
  const response = await handler({ Records }, { getRemainingTimeInMillis: () => 60_000 });
  sample();
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  process.send({ kind: 'done', id: message.id, failed: Records.map((r) => failed.has(r.messageId)) });
});
process.send({ kind: 'ready' });
`;

export interface LambdaMemoryResult {
  readonly tasks: number;
  readonly profile: ProfileName;
  readonly batches: number;
  readonly mirrored: number;
  readonly mirrorable: number;
  readonly seconds: number;
  readonly peakRssMiB: number;
  readonly peakHeapUsedMiB: number;
  readonly peakHeapTotalMiB: number;
  readonly maxRssMiB: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function runLambdaMemoryBench(options: { tasks: number; profile: ProfileName; seed: number; progress: (line: string) => void }): Promise<LambdaMemoryResult> {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-mirror-memory-'));
  const emulator = await startEmulator({ port: 0, host: '127.0.0.1', profile: options.profile, seed: options.seed });
  const clients = emulatorClients(emulator.url, emulator.region, 10);
  try {
    const bundle = join(dir, 'index.mjs');
    await bundleLambda(findPackageRoot(import.meta.url), LAMBDA_BUNDLES.onTaskEvent, bundle);
    const childFile = join(dir, 'child.mjs');
    writeFileSync(childFile, CHILD);
    const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
    const clusterArn = await createCluster(clients, 'memory');
    const taskDefinition = await registerFargateTaskDefinition(clients, 'memory-app', 'public.ecr.aws/nginx/nginx:stable');
    const child = fork(childFile, [], {
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      env: {
        ...process.env,
        BUNDLE: bundle,
        MIRROR_TARGET_ID: targetId,
        MIRROR_FILTER_ID: filterId,
        MIRROR_CREATE_RATE: '5',
        AWS_ENDPOINT_URL: emulator.url,
        AWS_REGION: emulator.region,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        POWERTOOLS_SERVICE_NAME: 'ecs-traffic-mirror',
        POWERTOOLS_METRICS_NAMESPACE: 'EcsTrafficMirror',
      },
    });
    const waiting = new Map<number, (failed: boolean[]) => void>();
    let memory: { peak: { rss: number; heapUsed: number; heapTotal: number }; maxRssKiB: number } | undefined;
    const ready = new Promise<void>((resolve) => {
      child.on('message', (message: { kind: string; id?: number; failed?: boolean[]; peak?: { rss: number; heapUsed: number; heapTotal: number }; maxRssKiB?: number }) => {
        if (message.kind === 'ready') resolve();
        else if (message.kind === 'done' && message.id !== undefined) waiting.get(message.id)?.(message.failed ?? []);
        else if (message.kind === 'memory' && message.peak && message.maxRssKiB !== undefined) memory = { peak: message.peak, maxRssKiB: message.maxRssKiB };
      });
    });
    await ready;
    let nextId = 0;
    const queue = new QueueDelivery(
      (bodies) =>
        new Promise((resolve) => {
          const id = ++nextId;
          waiting.set(id, (failed) => {
            waiting.delete(id);
            resolve(failed);
          });
          child.send({ kind: 'batch', id, bodies });
        }),
      { ...CONSTRUCT_QUEUE_SETTINGS, maxConcurrency: 1, visibilityTimeoutMs: 10_000 },
    );
    const unsubscribe = emulator.ecs.subscribe((event) => {
      if (matches(CONSTRUCT_RULE, event)) queue.send(event);
    });
    const started = performance.now();
    const arns = await runFargateTasks(clients, clusterArn, taskDefinition, options.tasks, [...emulator.network.subnets.keys()]);
    const mirrorableEnis = new Set(
      [...emulator.network.enis.values()].filter((eni) => eni.mirroringSupported && eni.interfaceType === 'interface' && /:attachment\//.test(eni.description)).map((eni) => eni.networkInterfaceId),
    );
    const deadline = started + (3 * Math.max(0, options.tasks - 50)) / 5 * 1000 + 60_000;
    let mirrored = 0;
    let lastProgress = 0;
    while (performance.now() < deadline) {
      const sessions = emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000 });
      const all = new Set<string>();
      let page = sessions;
      for (;;) {
        for (const s of page.items) all.add(s.networkInterfaceId);
        if (!page.nextToken) break;
        page = emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000, nextToken: page.nextToken });
      }
      mirrored = [...mirrorableEnis].filter((id) => all.has(id)).length;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        options.progress(`  lambda-memory t=${((performance.now() - started) / 1000).toFixed(0)} s mirrored ${mirrored}/${mirrorableEnis.size}`);
      }
      if (mirrored >= mirrorableEnis.size) break;
      await sleep(1000);
    }
    const seconds = (performance.now() - started) / 1000;
    await Promise.race([queue.drained(), sleep(15_000)]);
    unsubscribe();
    queue.close();
    child.send({ kind: 'stop' });
    while (memory === undefined) await sleep(50);
    child.kill();
    const mib = (bytes: number) => bytes / 2 ** 20;
    return {
      tasks: arns.length,
      profile: options.profile,
      batches: queue.stats().invocations,
      mirrored,
      mirrorable: mirrorableEnis.size,
      seconds,
      peakRssMiB: mib(memory.peak.rss),
      peakHeapUsedMiB: mib(memory.peak.heapUsed),
      peakHeapTotalMiB: mib(memory.peak.heapTotal),
      maxRssMiB: memory.maxRssKiB / 1024,
    };
  } finally {
    clients.ec2.destroy();
    clients.ecs.destroy();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The construct's default memorySize (infra/ecs-traffic-mirror.ts), for the ratio. */
export const EVENT_LAMBDA_MEMORY_MB = 256;

/** The construct's memorySize, for comparison (infra/ecs-traffic-mirror.ts). */
export function formatLambdaMemory(r: LambdaMemoryResult, memorySizeMb: number): string {
  return [
    `lambda-memory: ${r.tasks} tasks, profile ${r.profile}, the bundled event handler in its own node process (one warm container, MIRROR_CREATE_RATE 5, batch ${CONSTRUCT_QUEUE_SETTINGS.batchSize}): ${r.batches} batches, ${r.mirrored}/${r.mirrorable} mirrored in ${r.seconds.toFixed(0)} s`,
    `  peak RSS ${r.peakRssMiB.toFixed(0)} MiB (kernel maxRSS ${r.maxRssMiB.toFixed(0)} MiB), heap used ${r.peakHeapUsedMiB.toFixed(0)} MiB of ${r.peakHeapTotalMiB.toFixed(0)} MiB`,
    `ratio peak RSS / memorySize ${memorySizeMb} MB: ${(r.maxRssMiB / memorySizeMb).toFixed(2)}`,
  ].join('\n');
}
