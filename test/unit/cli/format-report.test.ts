import { describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../../../src/app/reconcile.js';
import { formatReport } from '../../../src/cli/format-report.js';

const HOST = 'arn:aws:ecs:eu-central-1:123456789012:container-instance/ec2/0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f';
const taskArn = (n: number) => `arn:aws:ecs:eu-central-1:123456789012:task/ec2/${String(n).padStart(32, '0')}`;

function reportOf(parts: Partial<ReconcileReport>): ReconcileReport {
  return {
    dryRun: true,
    clusters: [],
    doors: [],
    instanceSessions: [],
    unmirrored: [],
    created: [],
    deleted: [],
    drifted: [],
    modified: [],
    foreignSessions: [],
    failures: [],
    unverified: [],
    heldDeletes: [],
    clusterErrors: [],
    ...parts,
  };
}

const fargateOnly = reportOf({
  clusters: [{ cluster: 'payments', tasks: 2, enis: 2, mirrored: 2, unsupported: 0, missing: 0, coveragePercent: 100 }],
  doors: [{ cluster: 'payments', taskEni: 2, instanceEni: 0, branch: 0, unsupportedHost: 0, onContainerInstances: 0 }],
});

const onEc2 = reportOf({
  clusters: [{ cluster: 'ec2', tasks: 6, enis: 3, mirrored: 2, unsupported: 1, missing: 0, coveragePercent: 100 }],
  doors: [{ cluster: 'ec2', taskEni: 1, instanceEni: 4, branch: 1, unsupportedHost: 0, onContainerInstances: 5 }],
  instanceSessions: [
    { sessionId: 'tms-0123456789abcdef0', networkInterfaceId: 'eni-0123456789abcdef0', cluster: 'ec2', containerInstanceArn: HOST, instanceId: 'i-0123456789abcdef0', taskArns: [1, 2, 3, 4].map(taskArn) },
  ],
  unmirrored: [{ cluster: 'ec2', taskArn: taskArn(9), networkInterfaceId: 'eni-0000000000000000b', state: 'unsupported', reason: 'unsupported: branch ENI (awsvpcTrunking)', door: 'branch' }],
});

describe('formatReport', () => {
  it('prints a Fargate-only report without the door sections', () => {
    expect(formatReport(fargateOnly, 'status')).toBe(
      'cluster   tasks  enis  mirrored  unsupported  missing  coverage\npayments      2     2         2            0        0    100.0%\n',
    );
  });

  it('shows tasks by door and each instance session with its tasks, within 80 columns', () => {
    const text = formatReport(onEc2, 'status');
    expect(text).toContain(
      [
        'tasks by door (the interface their traffic leaves through):',
        'cluster  task-eni  instance-eni  branch  unsupported-host',
        'ec2             1             4       1                 0',
        '',
        'instance sessions (each mirrors its whole instance):',
        '  tms-0123456789abcdef0  eni-0123456789abcdef0  i-0123456789abcdef0  4 tasks',
        '    container instance ec2/0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f',
        `    ${'0'.repeat(31)}1 ${'0'.repeat(31)}2`,
        `    ${'0'.repeat(31)}3 ${'0'.repeat(31)}4`,
      ].join('\n'),
    );
    // The unmirrored lines quote reasons whole, as they always have; the new sections fit.
    expect(text.slice(0, text.indexOf('unmirrored:')).split('\n').filter((line) => line.length > 80)).toEqual([]);
  });

  it('names one task in the singular, and says a reason that starts with its state once', () => {
    const one = reportOf({ ...onEc2, instanceSessions: [{ ...(onEc2.instanceSessions[0] as ReconcileReport['instanceSessions'][number]), taskArns: [taskArn(1)] }] });
    const text = formatReport(one, 'reconcile');
    expect(text).toMatch(/ {2}i-0123456789abcdef0 {2}1 task$/m);
    expect(text).toContain(`ec2/${'0'.repeat(31)}9  eni-0000000000000000b  unsupported: branch ENI (awsvpcTrunking)\n`);
  });
});
