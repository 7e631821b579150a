import { afterEach, describe, expect, it } from 'vitest';
import type { EcsTaskStateChangeEvent } from '../../../src/emulator/context.js';
import { createHarness, registerFargateWeb, runFargate, type Harness } from './harness.js';

let harness: Harness;

async function startedHarness(options: Parameters<typeof createHarness>[0] = {}): Promise<Harness> {
  harness = createHarness(options);
  await harness.call('CreateCluster', { clusterName: 'demo' });
  await registerFargateWeb(harness);
  return harness;
}

afterEach(() => {
  expect(harness.ecs.backgroundErrors()).toEqual([]);
  harness.ecs.close();
});

const versions = (events: EcsTaskStateChangeEvent[]): unknown[] => events.map((event) => event.detail['version']);

describe('event log', () => {
  it('numbers deliveries from 1 and answers eventsAfter(n) with the later ones', async () => {
    const h = await startedHarness();
    await runFargate(h, { count: 2 });
    await h.ecs.idle();
    const all = h.ecs.eventsAfter(0);
    expect(all.map((logged) => logged.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(h.ecs.eventsAfter(5).map((logged) => logged.sequence)).toEqual([6, 7, 8]);
    expect(h.ecs.eventsAfter(8)).toEqual([]);
    expect(h.ecs.deliveryStats()).toEqual({ announced: 8, delivered: 8, duplicated: 0, reordered: 0, subscriberErrors: 0 });
  });

  it('calls subscribers synchronously, survives one that throws, and unsubscribes', async () => {
    const h = await startedHarness();
    const seen: string[] = [];
    h.ecs.subscribe(() => {
      throw new Error('consumer bug');
    });
    const unsubscribe = h.ecs.subscribe((event) => seen.push(String(event.detail['lastStatus'])));
    const [taskArn = ''] = await runFargate(h);
    expect(seen).toEqual(['PROVISIONING']);
    await h.ecs.waitForTaskStatus(taskArn, 'RUNNING');
    expect(seen).toEqual(['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING']);
    unsubscribe();
    await h.call('StopTask', { cluster: 'demo', task: taskArn });
    await h.ecs.idle();
    expect(seen).toHaveLength(4);
    expect(h.ecs.deliveryStats().subscriberErrors).toBe(9);
  });
});

describe('delivery faults', () => {
  it('delivers every event twice, with the same id, at duplicateEventRate 1', async () => {
    const h = await startedHarness({ faults: { duplicateEventRate: 1 } });
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.idle();
    const events = h.eventsOf(taskArn);
    expect(versions(events)).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(events[0]?.id).toBe(events[1]?.id);
    expect(events[0]?.id).not.toBe(events[2]?.id);
  });

  it('delivers a held event right after the task’s next one at reorderEventRate 1', async () => {
    const h = await startedHarness({ faults: { reorderEventRate: 1 } });
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.idle();
    expect(versions(h.eventsOf(taskArn))).toEqual([2, 1, 4, 3]);
    await h.call('StopTask', { cluster: 'demo', task: taskArn });
    await h.ecs.idle();
    // STOPPED, the last event, is never held back; the one before it follows it.
    expect(versions(h.eventsOf(taskArn)).slice(4)).toEqual([6, 5, 8, 7, 9]);
    expect(h.ecs.deliveryStats()).toMatchObject({ announced: 9, delivered: 9, reordered: 4 });
  });

  it('releases a held event after a while when the task has no next event', async () => {
    const h = await startedHarness({ faults: { reorderEventRate: 1 }, timing: { announceActivating: false } });
    const [taskArn = ''] = await runFargate(h);
    await h.ecs.waitForTaskStatus(taskArn, 'RUNNING');
    await h.ecs.idle();
    // RUNNING (v3) was held with nothing after it; idle() waits until it is out.
    expect(versions(h.eventsOf(taskArn))).toEqual([2, 1, 3]);
  });

  it('is reproducible: the same seed gives the same delivery order', async () => {
    const order = async (): Promise<unknown[]> => {
      const h = await startedHarness({ seed: 42, faults: { duplicateEventRate: 0.3, reorderEventRate: 0.3 } });
      const arns = await runFargate(h, { count: 5 });
      await h.ecs.idle();
      const result = h.ecs.eventsAfter(0).map((logged) => [arns.indexOf(logged.event.resources[0] ?? ''), logged.event.detail['version']]);
      h.ecs.close();
      return result;
    };
    const first = await order();
    const second = await order();
    expect(first).toEqual(second);
    expect(first.length).toBeGreaterThan(20);
  });
});
