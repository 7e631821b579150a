import type { RunningEmulator } from './index.js';

/** A live task's ENI as the emulator knows it, whatever the product under test believes. */
export interface TruthEni {
  readonly cluster: string;
  readonly taskArn: string;
  readonly group: string;
  readonly lastStatus: string;
  readonly networkInterfaceId: string;
  /** False for ENIs on hosts that cannot mirror: no product can mirror them. */
  readonly mirrorable: boolean;
  /** Sessions to the target on this ENI (more than one is a duplicate). */
  readonly sessionsToTarget: number;
}

export interface GroundTruth {
  readonly enis: readonly TruthEni[];
  readonly tasksByStatus: Readonly<Record<string, number>>;
  readonly mirrorable: number;
  readonly mirrored: number;
  readonly unsupported: number;
  readonly duplicateSessions: number;
  readonly sessionsToTarget: number;
}

type Json = Record<string, unknown>;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Reads the emulator's own state in-process (no HTTP, so nothing is counted or throttled): every
 * task ECS wants running, its ATTACHED ENIs, and the sessions to the target on each.
 */
export async function groundTruth(emulator: RunningEmulator, targetId: string): Promise<GroundTruth> {
  const sessionsByEni = new Map<string, number>();
  let sessionsToTarget = 0;
  let nextToken: string | undefined;
  do {
    const page = emulator.ec2.describeSessions({ filters: [{ name: 'traffic-mirror-target-id', values: [targetId] }], maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    for (const session of page.items) {
      sessionsByEni.set(session.networkInterfaceId, (sessionsByEni.get(session.networkInterfaceId) ?? 0) + 1);
      sessionsToTarget++;
    }
    nextToken = page.nextToken;
  } while (nextToken);

  const enis: TruthEni[] = [];
  const tasksByStatus: Record<string, number> = {};
  const clusters = strings(((await emulator.ecs.handle('ListClusters', {})) as Json).clusterArns);
  for (const cluster of clusters) {
    let token: string | undefined;
    do {
      const listed = (await emulator.ecs.handle('ListTasks', { cluster, desiredStatus: 'RUNNING', maxResults: 100, ...(token ? { nextToken: token } : {}) })) as Json;
      token = typeof listed.nextToken === 'string' ? listed.nextToken : undefined;
      const arns = strings(listed.taskArns);
      if (arns.length === 0) continue;
      const described = (await emulator.ecs.handle('DescribeTasks', { cluster, tasks: arns })) as Json;
      for (const task of (described.tasks ?? []) as Json[]) {
        const lastStatus = String(task.lastStatus);
        tasksByStatus[lastStatus] = (tasksByStatus[lastStatus] ?? 0) + 1;
        for (const attachment of (task.attachments ?? []) as Json[]) {
          if (attachment.status !== 'ATTACHED') continue;
          const details = (attachment.details ?? []) as { name?: string; value?: string }[];
          const eniId = details.find((d) => d.name === 'networkInterfaceId')?.value;
          if (!eniId) continue;
          const eni = emulator.network.enis.get(eniId);
          enis.push({
            cluster: cluster.split('/').pop() ?? cluster,
            taskArn: String(task.taskArn),
            group: String(task.group ?? ''),
            lastStatus,
            networkInterfaceId: eniId,
            mirrorable: eni !== undefined && eni.mirroringSupported && eni.interfaceType === 'interface',
            sessionsToTarget: sessionsByEni.get(eniId) ?? 0,
          });
        }
      }
    } while (token);
  }
  const mirrorableEnis = enis.filter((e) => e.mirrorable);
  return {
    enis,
    tasksByStatus,
    mirrorable: mirrorableEnis.length,
    mirrored: mirrorableEnis.filter((e) => e.sessionsToTarget > 0).length,
    unsupported: enis.length - mirrorableEnis.length,
    duplicateSessions: enis.reduce((sum, e) => sum + Math.max(0, e.sessionsToTarget - 1), 0),
    sessionsToTarget,
  };
}
