import { ListTasksCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { handleTaskEvents } from '../app/handle-task-events.js';
import type { EniOutcome } from '../app/results.js';
import { reconcile, type ReconcileReport } from '../app/reconcile.js';
import { composeAppDeps } from '../aws/compose.js';
import { QueueDelivery } from '../emulator/event-delivery.js';
import { groundTruth, type GroundTruth } from '../emulator/ground-truth.js';
import { CONSTRUCT_POLICIES, iamEvaluatorAvailable, ROLE_ACCESS_KEYS, roleIamPolicies, withMirrorIds, type DeniedCall } from '../emulator/iam/index.js';
import { startEmulator } from '../emulator/index.js';
import type { ProfileName } from '../emulator/profile.js';
import { noMetrics, silentLogger, systemClock } from '../ports/index.js';
import { ec2CapacityTasks, ec2Doors, startEc2Capacity, type DemoEc2Capacity, type Ec2Doors } from './ec2-capacity.js';
import { LiveView } from './live-view.js';
import {
  createCluster,
  createFargateService,
  createMirrorTargetAndFilter,
  emulatorClients,
  registerFargateTaskDefinition,
  runFargateTasks,
} from './world.js';

export interface DemoOptions {
  readonly profile: ProfileName;
  readonly seed: number;
  readonly serviceTasks: number;
  readonly standaloneTasks: number;
  /** Redraw a live view in place (a terminal) rather than print a line per second. */
  readonly live: boolean;
  readonly write: (text: string) => void;
  /** The terminal's width, read at each frame; undefined (not a terminal) draws for 80 columns. */
  readonly columns?: () => number | undefined;
  readonly timeoutMs: number;
}

export interface DemoSummary {
  readonly converged: boolean;
  readonly seconds: number;
  readonly truth: GroundTruth;
  /** The EC2 cluster's doors: its instance session, the bridge tasks it covers, its branch ENI. */
  readonly ec2: Ec2Doors;
  /** ENIs on hosts that cannot mirror (the ground truth's unsupported ENIs less the branch ENIs). */
  readonly unsupportedHosts: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly ec2Requests: number;
  readonly ec2Throttled: number;
  readonly deadLettered: number;
  readonly status: ReconcileReport;
  /**
   * Calls the construct's IAM policies denied (the Lambdas' roles, as deployed); 'not-evaluated'
   * when the optional IAM evaluator is not installed.
   */
  readonly denied: readonly DeniedCall[] | 'not-evaluated';
}

const NLB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/suricata/0123456789abcdef';
/** The demo shortens SQS's visibility timeout so that a redelivery shows within its minute. */
const DEMO_VISIBILITY_TIMEOUT_MS = 2_000;

/**
 * `npm start`: the emulator in-process, a target and a filter, two Fargate clusters with a
 * service and standalone tasks, a cluster on EC2 capacity (see startEc2Capacity), their events run through the real handler over HTTP the way the construct
 * deploys it (EventBridge → SQS → Lambda), a service task stopped and replaced, and the sweep's
 * status at the end.
 */
export async function runDemo(options: DemoOptions): Promise<DemoSummary> {
  const started = Date.now();
  const emulator = await startEmulator({ port: 0, profile: options.profile, seed: options.seed });
  const clients = emulatorClients(emulator.url, emulator.region);
  const outcomes: Record<string, number> = {};
  const seen = new Set<string>();
  try {
    const { targetId, filterId } = await createMirrorTargetAndFilter(clients, NLB_ARN);
    // Each Lambda's calls go under its role's policy exactly as the construct deploys it.
    const evaluateIam = await iamEvaluatorAvailable();
    if (evaluateIam) emulator.iam.setPolicies(roleIamPolicies(withMirrorIds(CONSTRUCT_POLICIES, { targetId, filterId })));
    const depsAs = (role: keyof typeof ROLE_ACCESS_KEYS) =>
      composeAppDeps({
        env: { MIRROR_TARGET_ID: targetId, MIRROR_FILTER_ID: filterId, MIRROR_CREATE_RATE: '5' },
        logger: silentLogger,
        metrics: noMetrics,
        clock: systemClock,
        aws: { endpoint: emulator.url, region: emulator.region, credentials: { accessKeyId: ROLE_ACCESS_KEYS[role], secretAccessKey: 'test' } },
      });
    const deps = depsAs('event');
    const queue = new QueueDelivery(
      async (bodies) => {
        const results = await handleTaskEvents(bodies, deps);
        // Counted once per ENI and outcome: repeated events of one task are one piece of work.
        for (const result of results) {
          for (const eni of result.enis) {
            const key = `${eni.networkInterfaceId ?? eni.attachmentId}|${eni.outcome}`;
            if (seen.has(key)) continue;
            seen.add(key);
            count(outcomes, eni.outcome);
          }
        }
        return results.map((r) => r.failure !== undefined);
      },
      { batchSize: 100, batchWindowMs: 500, maxConcurrency: 2, visibilityTimeoutMs: DEMO_VISIBILITY_TIMEOUT_MS, maxReceiveCount: 5 },
    );
    const unsubscribe = emulator.ecs.subscribe((event) => queue.send(event));

    const subnets = [...emulator.network.subnets.keys()];
    const payments = await createCluster(clients, 'payments');
    const batch = await createCluster(clients, 'batch');
    const api = await registerFargateTaskDefinition(clients, 'payments-api', 'public.ecr.aws/nginx/nginx:stable');
    const job = await registerFargateTaskDefinition(clients, 'nightly-report', 'public.ecr.aws/docker/library/python:3.12');
    // Exactly one ENI on a host that cannot mirror, whatever the profile and seed: the first
    // standalone task's. Every run then shows how such an ENI is handled (reported, tagged, left
    // running, kept out of coverage), and the profile's random share would make that count vary
    // from one seed to the next. Started before the service, so no service task is made meanwhile.
    emulator.setFaults({ unsupportedEniRate: 1 });
    await runFargateTasks(clients, batch, job, 1, subnets);
    emulator.setFaults({ unsupportedEniRate: 0 });
    if (options.standaloneTasks > 1) await runFargateTasks(clients, batch, job, options.standaloneTasks - 1, subnets);
    await createFargateService(clients, payments, 'payments-api', api, options.serviceTasks, subnets);
    const capacity = await startEc2Capacity(emulator, clients, subnets);
    options.write(
      `ecs-mirror demo — emulator ${emulator.url} (${options.profile}, seed ${options.seed})\n` +
        `target ${targetId}, filter ${filterId}\n` +
        `service payments/payments-api × ${options.serviceTasks}, standalone batch/nightly-report × ${options.standaloneTasks}\n` +
        `EC2 capacity ${capacity.clusterName}: awsvpc × ${capacity.awsvpcTasks} and bridge service orders-worker × ${capacity.bridgeTasks}\n` +
        `  on one instance, awsvpc × ${capacity.trunkedTasks} on a trunked instance (branch ENI)\n\n`,
    );

    const view = new LiveView(options, started);
    const wanted = options.serviceTasks + options.standaloneTasks + ec2CapacityTasks(capacity);
    const watch = { emulator, targetId, capacity, wanted, options, view, outcomes };
    let truth = await waitForCoverage(watch);

    // A service task stops (a deploy, a crash): the service replaces it and the new ENI is mirrored too.
    const listed = await clients.ecs.send(new ListTasksCommand({ cluster: payments, serviceName: 'payments-api' }));
    const victim = listed.taskArns?.[0];
    if (victim) {
      await clients.ecs.send(new StopTaskCommand({ cluster: payments, task: victim, reason: 'demo: simulated crash' }));
      view.note(`stopped ${victim.split('/').pop()}; the service starts a replacement`);
      await sleep(options.profile === 'ideal' ? 300 : 1_500);
      truth = await waitForCoverage(watch);
    }
    await queue.drained();
    unsubscribe();
    queue.close();

    const status = await reconcile(depsAs('reconcile'), { dryRun: true });
    const stats = emulator.stats();
    const ec2 = ec2Doors(emulator, targetId, truth, capacity);
    const summary: DemoSummary = {
      converged: truth.mirrored === truth.mirrorable && truth.mirrorable > 0 && instanceSessionDone(ec2, capacity),
      seconds: (Date.now() - started) / 1000,
      truth,
      ec2,
      unsupportedHosts: truth.unsupported - ec2.branchEnis,
      outcomes,
      ec2Requests: stats.ec2.total,
      ec2Throttled: stats.ec2.throttledTotal,
      deadLettered: queue.stats().deadLettered,
      status,
      denied: evaluateIam ? emulator.iam.denials() : 'not-evaluated',
    };
    view.finish();
    return summary;
  } finally {
    clients.ec2.destroy();
    clients.ecs.destroy();
    await emulator.close();
  }
}

interface CoverageWatch {
  readonly emulator: Awaited<ReturnType<typeof startEmulator>>;
  readonly targetId: string;
  readonly capacity: DemoEc2Capacity;
  readonly wanted: number;
  readonly options: DemoOptions;
  readonly view: LiveView;
  readonly outcomes: Record<string, number>;
}

/** One session on the bridge service's instance, covering all its tasks. */
function instanceSessionDone(doors: Ec2Doors, capacity: DemoEc2Capacity): boolean {
  return doors.instanceSessions === 1 && doors.coveredBridgeTasks === capacity.bridgeTasks;
}

async function waitForCoverage({ emulator, targetId, capacity, wanted, options, view, outcomes }: CoverageWatch): Promise<GroundTruth> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const truth = await groundTruth(emulator, targetId);
    const doors = ec2Doors(emulator, targetId, truth, capacity);
    view.render(truth, doors, outcomes, emulator.stats().ec2.total, emulator.stats().ec2.throttledTotal);
    const running = truth.tasksByStatus.RUNNING ?? 0;
    if ((running >= wanted && truth.mirrored === truth.mirrorable && instanceSessionDone(doors, capacity)) || Date.now() > deadline) return truth;
    await sleep(options.live ? 250 : 1_000);
  }
}

function count(counts: Record<string, number>, outcome: EniOutcome): void {
  counts[outcome] = (counts[outcome] ?? 0) + 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
