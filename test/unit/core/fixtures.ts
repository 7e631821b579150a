import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MirrorSession } from '../../../src/core/session.js';
import type { TaskEni, TaskSnapshot } from '../../../src/core/task.js';

const EVENTS_DIR = fileURLToPath(new URL('../../fixtures/events/', import.meta.url));

export const EVENT_FIXTURES: readonly string[] = readdirSync(EVENTS_DIR)
  .filter((name) => name.endsWith('.json'))
  .sort();

/** A fresh copy each call, so a test may mutate what it gets. */
export function loadEvent(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(EVENTS_DIR + name, 'utf8')) as Record<string, unknown>;
}

export function detailOf(event: Record<string, unknown>): Record<string, unknown> {
  return event['detail'] as Record<string, unknown>;
}

const REGION_ACCOUNT = 'eu-central-1:123456789012';

export function attachedEni(networkInterfaceId: string, overrides: Partial<TaskEni> = {}): TaskEni {
  return { attachmentId: `att-${networkInterfaceId}`, status: 'ATTACHED', networkInterfaceId, ...overrides };
}

export function makeTask(id: string, overrides: Partial<TaskSnapshot> = {}): TaskSnapshot {
  const clusterName = overrides.clusterName ?? 'prod';
  return {
    taskArn: `arn:aws:ecs:${REGION_ACCOUNT}:task/${clusterName}/${id}`,
    taskId: id,
    clusterArn: `arn:aws:ecs:${REGION_ACCOUNT}:cluster/${clusterName}`,
    clusterName,
    lastStatus: 'RUNNING',
    desiredStatus: 'RUNNING',
    launchType: 'FARGATE',
    group: 'service:web',
    serviceName: 'web',
    family: 'web',
    version: 3,
    enis: [],
    tags: {},
    ...overrides,
  };
}
export function makeSession(sessionId: string, networkInterfaceId: string, overrides: Partial<MirrorSession> = {}): MirrorSession {
  return {
    sessionId,
    networkInterfaceId,
    targetId: 'tmt-0123456789abcdef0',
    filterId: 'tmf-0123456789abcdef0',
    sessionNumber: 1,
    tags: {},
    ...overrides,
  };
}
