import { beforeAll, describe, expect, it } from 'vitest';
import { BRANCH_ENI_REASON } from '../../src/core/door.js';
import { EC2_CLUSTER } from '../../src/demo/ec2-capacity.js';
import { runDemo, type DemoSummary } from '../../src/demo/run-demo.js';

/**
 * Issue 13's demo item through the real run `npm start` makes (same profile, seed and sizes as the
 * CLI's defaults): the product, over HTTP with the real SDK, on the demo's cluster on EC2 capacity.
 */
describe('the demo on EC2 capacity', () => {
  let summary: DemoSummary;
  const written: string[] = [];

  beforeAll(async () => {
    summary = await runDemo({
      profile: 'realistic',
      seed: 7,
      serviceTasks: 8,
      standaloneTasks: 4,
      live: false,
      write: (text) => written.push(text),
      timeoutMs: 40_000,
    });
  }, 90_000);

  it('converges, the EC2 cluster included', () => {
    expect(summary.converged).toBe(true);
    expect(summary.truth.duplicateSessions).toBe(0);
  });

  it('mirrors the awsvpc tasks of the instance without trunking on their own ENIs', () => {
    expect(summary.ec2.taskEnis).toBe(2);
    expect(summary.ec2.taskEnisMirrored).toBe(2);
  });

  it("covers the bridge service's three tasks with exactly one session on their instance's primary ENI", () => {
    expect(summary.ec2.instanceSessions).toBe(1);
    expect(summary.ec2.coveredBridgeTasks).toBe(3);
  });

  it("reports the trunked instance's task as a branch ENI and never mirrors it", () => {
    expect(summary.ec2.branchEnis).toBe(1);
    expect(summary.ec2.branchSessions).toBe(0);
    const unmirrored = summary.status.unmirrored.filter((e) => e.cluster === EC2_CLUSTER);
    expect(unmirrored).toHaveLength(1);
    expect(unmirrored[0]?.reason).toContain(BRANCH_ENI_REASON);
    expect(summary.status.clusters.find((c) => c.cluster === EC2_CLUSTER)).toMatchObject({ unsupported: 1, missing: 0 });
  });

  it('keeps exactly one ENI on a host that cannot mirror, the branch ENI counted apart', () => {
    expect(summary.unsupportedHosts).toBe(1);
    expect(summary.truth.unsupported).toBe(2);
  });

  it('shows the EC2 doors in the live view', () => {
    expect(written.join('')).toMatch(/EC2: task ENIs 2\/2 {3}instance sessions 1 \(covering 3 bridge tasks\)/);
    expect(written.join('')).toMatch(/branch ENI 1 \(awsvpcTrunking, reported\)/);
  });
});
