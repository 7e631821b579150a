import { createCluster } from '../../../src/demo/world.js';
import type { World } from './world.js';

/** A forged ECS Task State Change event, and the ENIs it must leave unmirrored. */
export interface ForgedEvent {
  readonly name: string;
  readonly event: unknown;
  readonly enis: readonly string[];
}

function rewrite(event: unknown, from: string | RegExp, to: string): unknown {
  return JSON.parse(JSON.stringify(event).replaceAll(from, to)) as unknown;
}

/**
 * Three forgeries built from real events of the world's emulator, with MIRROR_CLUSTERS=apps:
 * an out-of-scope task (cluster `outside`) dressed as one of `apps`; a task that does not exist;
 * a real task of `apps` that names another task's ENI.
 */
export async function forgedEvents(world: World): Promise<ForgedEvent[]> {
  const outside = await createCluster(world.clients, 'outside');
  const outOfScope = await world.runningTask({ cluster: outside });
  const victim = await world.runningTask();
  const other = await world.runningTask();
  const appsArn = world.eventOf(victim, 'RUNNING').detail['clusterArn'] as string;
  const outsideArn = world.eventOf(outOfScope, 'RUNNING').detail['clusterArn'] as string;
  const victimId = victim.slice(victim.lastIndexOf('/') + 1);

  const dressed = rewrite(rewrite(world.eventOf(outOfScope, 'RUNNING'), outsideArn, appsArn), '/outside/', '/apps/');
  const made = rewrite(world.eventOf(victim, 'RUNNING'), victimId, 'f'.repeat(victimId.length));
  const stolen = rewrite(world.eventOf(victim, 'RUNNING'), world.eniOf(victim), world.eniOf(other));
  return [
    { name: "an out-of-scope task's ENI, in an event claiming an in-scope cluster", event: dressed, enis: [world.eniOf(outOfScope)] },
    { name: 'a task that does not exist', event: made, enis: [world.eniOf(victim)] },
    { name: "a real task with another task's ENI", event: stolen, enis: [world.eniOf(other), world.eniOf(victim)] },
  ];
}
