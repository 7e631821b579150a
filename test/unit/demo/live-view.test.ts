import { describe, expect, it } from 'vitest';
import { LiveView, renderFrame, type FrameInput } from '../../../src/demo/live-view.js';
import type { GroundTruth } from '../../../src/emulator/ground-truth.js';
import type { Ec2Doors } from '../../../src/demo/ec2-capacity.js';

/** A busy frame: the widest the demo draws (many outcomes, a note with a 32-character task id). */
const busy: FrameInput = {
  seconds: 123.4,
  tasksByStatus: { PROVISIONING: 120, PENDING: 130, ACTIVATING: 140, RUNNING: 150 },
  attached: 400,
  mirrored: 333,
  mirrorable: 399,
  unsupported: 1,
  duplicates: 0,
  taskEnisMirrored: 8,
  taskEnis: 9,
  instanceSessions: 12,
  coveredBridgeTasks: 345,
  branchEnis: 67,
  outcomes: { 'skipped-status': 1400, created: 1200, unsupported: 1, exists: 1100, 'not-attached': 90, failed: 3 },
  ec2Requests: 12_345,
  throttled: 678,
  notes: ['stopped c650d2686e0954195b5e9543eb9a8169; the service starts a replacement'],
};

describe('renderFrame', () => {
  it.each([80, 100, 132])('fits every line in %i columns and keeps every figure', (width) => {
    // act
    const frame = renderFrame(busy, width);
    // assess
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(width);
    const text = frame.join(' ');
    for (const figure of ['running 150', '333/399', 'unsupported host 1', 'duplicates 0', 'failed 3', 'EC2 requests 12345 (throttled 678)', 'task ENIs 8/9', 'instance sessions 12 (covering 345 bridge tasks)', 'branch ENI 67', 'c650d2686e0954195b5e9543eb9a8169']) {
      expect(text).toContain(figure);
    }
  });

  it('uses the width it is given: four lines at 132 columns, more at 80', () => {
    // prepare
    const typical = { ...busy, outcomes: { 'skipped-status': 14, created: 12, unsupported: 1, exists: 10 }, notes: [] };
    // act
    const wide = renderFrame(typical, 132);
    const narrow = renderFrame(typical, 80);
    // assess
    expect(wide).toHaveLength(4);
    expect(narrow.length).toBeGreaterThan(4);
  });

  it('cuts a piece longer than the line rather than let the terminal wrap it', () => {
    // act
    const frame = renderFrame({ ...busy, notes: [`stopped ${'x'.repeat(120)}`] }, 80);
    // assess
    expect(frame.at(-1)).toMatch(/…$/);
    for (const line of frame) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('LiveView', () => {
  const truth: GroundTruth = { enis: [], tasksByStatus: { RUNNING: 1 }, mirrorable: 1, mirrored: 1, unsupported: 0, duplicateSessions: 0, sessionsToTarget: 1 };
  const doors: Ec2Doors = { taskEnis: 1, taskEnisMirrored: 1, instanceSessions: 1, coveredBridgeTasks: 2, branchEnis: 0, branchSessions: 0 };

  it('in a terminal, moves up over the last frame and clears below before drawing the next', () => {
    // prepare
    const written: string[] = [];
    const view = new LiveView({ live: true, write: (text) => written.push(text), columns: () => 80 }, Date.now());
    // act
    view.render(truth, doors, {}, 1, 0);
    view.render(truth, doors, {}, 2, 0);
    // assess
    const firstFrameLines = (written[0] ?? '').split('\n').length - 1;
    expect(written[1]).toBe(`\x1b[${firstFrameLines}A\x1b[J`);
    expect(written).toHaveLength(3);
  });

  it('not in a terminal, prints frames one under the other with no escape sequences', () => {
    // prepare
    const written: string[] = [];
    const view = new LiveView({ live: false, write: (text) => written.push(text) }, Date.now());
    // act
    view.render(truth, doors, {}, 1, 0);
    view.render(truth, doors, {}, 2, 0);
    // assess
    expect(written.join('')).not.toContain('\x1b');
    for (const line of written.join('').split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });
});
