/**
 * `npm run bench -- seed-check`: is the seed port fair? The same scenario for the port
 * (bench/seed-lambda.ts, botocore's legacy retry modelled) and for the seed's own Python code with
 * real boto3 (bench/seed-python/): realistic profile, ACTIVATING announced, N tasks started and
 * left to reach RUNNING, then all of their ACTIVATING events delivered at once, up to 100
 * invocations at a time, without Lambda's asynchronous retries (failed invocations are counted).
 * Each on its own emulator with the same seed: same tasks, same unsupported ENIs.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator, type RunningEmulator } from '../src/emulator/index.js';
import type { ProfileName } from '../src/emulator/profile.js';
import { createCluster, createMirrorTargetAndFilter, emulatorClients, registerFargateTaskDefinition, runFargateTasks } from '../src/demo/world.js';
import { matches, seedRule } from './event-rules.js';
import { AsyncLambdaInvoker } from './lambda-async.js';
import { seedLambdaHandler, type SeedLogKind } from './seed-lambda.js';

const HOST = '127.0.0.1';
const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const CONCURRENCY = 100;
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'seed-python', 'run_seed.py');

export interface SeedCheckRun {
  readonly runner: 'port' | 'python';
  readonly events: number;
  readonly mirrorable: number;
  readonly mirrored: number;
  readonly invocationErrors: number;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  readonly seconds: number;
  readonly details: Readonly<Record<string, number | string>>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type Json = Record<string, unknown>;

async function prepare(profile: ProfileName, seed: number, tasks: number) {
  const emulator = await startEmulator({ port: 0, host: HOST, profile, seed, timing: { announceActivating: true } });
  const clients = emulatorClients(emulator.url, emulator.region, 10);
  const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
  const clusterArn = await createCluster(clients, 'seed-check');
  const taskDefinition = await registerFargateTaskDefinition(clients, 'seed-app', 'public.ecr.aws/nginx/nginx:stable');
  const rule = seedRule(clusterArn);
  const events: unknown[] = [];
  const unsubscribe = emulator.ecs.subscribe((event) => {
    if (matches(rule, event)) events.push(event);
  });
  const arns = await runFargateTasks(clients, clusterArn, taskDefinition, tasks, [...emulator.network.subnets.keys()]);
  // Until every task runs and every late ENI is visible to EC2.
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && arns.some((arn) => String(emulator.ecs.describeTask(arn)?.lastStatus) !== 'RUNNING')) await sleep(200);
  await sleep(emulator.faults().lateEniDelayMs + 500);
  unsubscribe();
  clients.ec2.destroy();
  clients.ecs.destroy();
  emulator.resetStats();
  return { emulator, targetId, filterId, arns, events };
}

function mirroredOf(emulator: RunningEmulator, targetId: string, arns: readonly string[]): { mirrorable: number; mirrored: number } {
  const withSession = new Set(
    emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000 }).items.map((s) => s.networkInterfaceId),
  );
  let mirrorable = 0;
  let mirrored = 0;
  for (const arn of arns) {
    const view = emulator.ecs.describeTask(arn);
    const attachment = ((view?.attachments ?? []) as Json[]).find((a) => a.type === 'ElasticNetworkInterface' || a.type === 'eni');
    const id = ((attachment?.details ?? []) as Json[]).find((d) => d.name === 'networkInterfaceId')?.value;
    const eni = typeof id === 'string' ? emulator.network.enis.get(id) : undefined;
    if (!eni || !eni.mirroringSupported || eni.interfaceType !== 'interface') continue;
    mirrorable++;
    if (withSession.has(eni.networkInterfaceId) && String(view?.desiredStatus) === 'RUNNING') mirrored++;
  }
  return { mirrorable, mirrored };
}

async function runPort(profile: ProfileName, seed: number, tasks: number): Promise<SeedCheckRun> {
  const world = await prepare(profile, seed, tasks);
  const logs: Record<string, number> = {};
  const add = (key: string) => void (logs[key] = (logs[key] ?? 0) + 1);
  try {
    const invoker = new AsyncLambdaInvoker<unknown>(
      (event) =>
        seedLambdaHandler(event, {
          env: { TrafficMirrorTarget: world.targetId, TrafficMirrorFilter: world.filterId },
          aws: { endpoint: world.emulator.url, region: world.emulator.region, credentials: CREDENTIALS },
          log: (kind: SeedLogKind) => add(`log:${kind}`),
          retry: { random: Math.random, sleep, onAttempt: (attempt) => add(attempt === 1 ? 'sdk:calls' : 'sdk:retries') },
        }),
      { maxConcurrency: CONCURRENCY, retryDelaysMs: [] },
    );
    const started = performance.now();
    for (const event of world.events) invoker.invoke(event);
    while (!invoker.idle()) await sleep(100);
    const seconds = (performance.now() - started) / 1000;
    const stats = world.emulator.stats().ec2;
    return { runner: 'port', events: world.events.length, ...mirroredOf(world.emulator, world.targetId, world.arns), invocationErrors: invoker.stats().errors, ec2Requests: stats.total, ec2Throttled: stats.throttledTotal, seconds, details: logs };
  } finally {
    await world.emulator.close();
  }
}

async function runPython(profile: ProfileName, seed: number, tasks: number): Promise<SeedCheckRun> {
  const world = await prepare(profile, seed, tasks);
  try {
    const started = performance.now();
    const output = await new Promise<string>((resolve, reject) => {
      // boto3's defaults: no retry mode or attempts from this environment.
      const { AWS_RETRY_MODE: _mode, AWS_MAX_ATTEMPTS: _attempts, ...inherited } = process.env;
      const child = spawn('python3', [SCRIPT], {
        env: {
          ...inherited,
          AWS_ENDPOINT_URL: world.emulator.url,
          AWS_REGION: world.emulator.region,
          AWS_DEFAULT_REGION: world.emulator.region,
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          TrafficMirrorTarget: world.targetId,
          TrafficMirrorFilter: world.filterId,
          SEED_CONCURRENCY: String(CONCURRENCY),
        },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`run_seed.py exited ${code}: ${stderr.slice(-500)}`))));
      child.stdin.end(JSON.stringify(world.events));
    });
    const seconds = (performance.now() - started) / 1000;
    const summary = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { errors?: number; errorKinds?: Record<string, number> };
    const stats = world.emulator.stats().ec2;
    return {
      runner: 'python',
      events: world.events.length,
      ...mirroredOf(world.emulator, world.targetId, world.arns),
      invocationErrors: summary.errors ?? 0,
      ec2Requests: stats.total,
      ec2Throttled: stats.throttledTotal,
      seconds,
      details: Object.fromEntries(Object.entries(summary.errorKinds ?? {}).map(([k, v]) => [`error:${k}`, v])),
    };
  } finally {
    await world.emulator.close();
  }
}

export async function runSeedCheck(options: { tasks: number; profile: ProfileName; seed: number; python: boolean }): Promise<SeedCheckRun[]> {
  const runs = [await runPort(options.profile, options.seed, options.tasks)];
  if (options.python) runs.push(await runPython(options.profile, options.seed, options.tasks));
  return runs;
}

export function formatSeedCheck(runs: readonly SeedCheckRun[], tasks: number, profile: ProfileName): string {
  const lines = [`seed-check: ${tasks} tasks, profile ${profile}, ACTIVATING announced, all ACTIVATING events delivered at once after the tasks ran, ${CONCURRENCY} concurrent invocations, no async retries`];
  for (const r of runs) {
    lines.push(
      `  ${r.runner.padEnd(6)}: ${r.mirrored}/${r.mirrorable} mirrored (${((r.mirrored / Math.max(1, r.mirrorable)) * 100).toFixed(1)}%), ${r.events} events, ${r.invocationErrors} failed invocations, ` +
        `EC2 requests ${r.ec2Requests} (throttled ${r.ec2Throttled}), ${r.seconds.toFixed(1)} s; ${Object.entries(r.details).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
  }
  const port = runs.find((r) => r.runner === 'port');
  const python = runs.find((r) => r.runner === 'python');
  if (port && python) lines.push(`ratio port / python, ENIs mirrored: ${port.mirrored} / ${python.mirrored} = ${(port.mirrored / Math.max(1, python.mirrored)).toFixed(2)} (a fair port is near 1)`);
  return lines.join('\n');
}
