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

/**
 * Reads the emulator's own state in-process: every task ECS wants running, its ATTACHED ENIs,
 * and the sessions to the target on each. Nothing goes through the emulated APIs, so reading the
 * truth injects no fault (no ThrottlingException for the demo to die of), draws nothing from the
 * seeded random stream (how often a caller polls cannot change the faults the product sees) and
 * counts no request.
 */
export function groundTruth(emulator: RunningEmulator, targetId: string): Promise<GroundTruth> {
  return Promise.resolve(readGroundTruth(emulator, targetId));
}

function readGroundTruth(emulator: RunningEmulator, targetId: string): GroundTruth {
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
  for (const task of emulator.ecs.tasksWantedRunning() as Json[]) {
    const lastStatus = String(task.lastStatus);
    const cluster = String(task.clusterArn ?? '');
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
