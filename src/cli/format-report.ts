import type { ReconcileReport } from '../app/reconcile.js';
import { lastPathSegment } from '../core/task.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  '))
    .join('\n');
}

const WIDTH = 80;

/** Words joined by spaces, broken into lines of at most WIDTH columns, each after `indent`. */
function wrapped(words: readonly string[], indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && indent.length + line.length + 1 + word.length > WIDTH) {
      lines.push(`${indent}${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`${indent}${line}`);
  return lines;
}

/**
 * The doors table and the instance sessions, shown only when some task runs on a container
 * instance: a Fargate-only report reads as it always has.
 */
function doorLines(report: ReconcileReport): string[] {
  if (!report.doors.some((d) => d.onContainerInstances > 0) && report.instanceSessions.length === 0) return [];
  const header = ['cluster', 'task-eni', 'instance-eni', 'branch', 'unsupported-host'];
  const rows = report.doors.map((d) => [d.cluster, `${d.taskEni}`, `${d.instanceEni}`, `${d.branch}`, `${d.unsupportedHost}`]);
  const lines = ['', 'tasks by door (the interface their traffic leaves through):', table([header, ...rows])];
  if (report.instanceSessions.length > 0) {
    lines.push('', 'instance sessions (each mirrors its whole instance):');
    for (const s of report.instanceSessions) {
      const count = `${s.taskArns.length} ${s.taskArns.length === 1 ? 'task' : 'tasks'}`;
      lines.push(`  ${s.sessionId}  ${s.networkInterfaceId}  ${s.instanceId ?? '-'}  ${count}`);
      if (s.containerInstanceArn !== undefined) lines.push(`    container instance ${s.cluster}/${lastPathSegment(s.containerInstanceArn)}`);
      lines.push(...wrapped(s.taskArns.map(lastPathSegment), '    '));
    }
  }
  return lines;
}

/** The human view of a sweep: coverage per cluster, then what is not mirrored and why. */
export function formatReport(report: ReconcileReport, mode: 'status' | 'reconcile'): string {
  const lines: string[] = [];
  const header = ['cluster', 'tasks', 'enis', 'mirrored', 'unsupported', 'missing', 'coverage'];
  const rows = report.clusters.map((c) => [c.cluster, `${c.tasks}`, `${c.enis}`, `${c.mirrored}`, `${c.unsupported}`, `${c.missing}`, `${c.coveragePercent.toFixed(1)}%`]);
  lines.push(rows.length === 0 ? 'no running tasks in scope' : table([header, ...rows]));
  lines.push(...doorLines(report));

  if (report.unmirrored.length > 0) {
    lines.push('', 'unmirrored:');
    for (const eni of report.unmirrored) {
      // A reason that starts with the state (`unsupported: branch ENI …`) is not prefixed twice.
      const said = eni.reason.startsWith(`${eni.state}:`) ? eni.reason : `${eni.state}: ${eni.reason}`;
      lines.push(`  ${eni.cluster}/${lastPathSegment(eni.taskArn)}  ${eni.networkInterfaceId ?? '-'}  ${said}`);
    }
  }
  if (report.drifted.length > 0) {
    lines.push('', `drifted: ${report.drifted.length} (sessions of ours that differ from what their rule wants)`);
    for (const d of report.drifted) lines.push(`  ${d.sessionId}  ${d.networkInterfaceId}  ${lastPathSegment(d.taskArn)}  ${d.differences.join(', ')}`);
  }
  if (report.foreignSessions.length > 0) {
    lines.push('', 'foreign sessions (left alone):');
    for (const f of report.foreignSessions) lines.push(`  ${f.sessionId ?? '-'}  ${f.networkInterfaceId ?? '-'}  ${f.reason}`);
  }
  if (report.unverified.length > 0) {
    lines.push('', 'unverified (kept; ECS did not answer for them with certainty):');
    for (const u of report.unverified) {
      lines.push(`  ${u.sessionId ?? '-'}  ${u.networkInterfaceId ?? '-'}  ${u.taskArn ? lastPathSegment(u.taskArn) : '-'}  unverified: ${u.reason}`);
    }
  }
  if (report.holdReason !== undefined) {
    lines.push('', `held back (${report.heldDeletes.length} deletes not made): ${report.holdReason}`);
    for (const d of report.heldDeletes) lines.push(`  held ${d.sessionId} on ${d.networkInterfaceId}: ${d.reason}`);
  }
  for (const c of report.clusterErrors) lines.push(`  CLUSTER NOT SWEPT ${c.cluster}: ${c.message}`);
  if (mode === 'reconcile') {
    const verb = report.dryRun ? 'would delete' : 'deleted';
    lines.push('', report.dryRun ? 'dry run: nothing changed' : `created ${report.created.length}, deleted ${report.deleted.length}`);
    if (report.modified.length > 0) lines.push(`${report.dryRun ? 'would modify' : 'modified'} ${report.modified.length} in place:`);
    for (const m of report.modified) lines.push(`  ${report.dryRun ? 'would modify' : 'modified'} ${m.sessionId} on ${m.networkInterfaceId}: ${m.differences.join(', ')}`);
    for (const c of report.created) lines.push(`  created ${c.sessionId ?? '?'} for ${c.networkInterfaceId} (${lastPathSegment(c.taskArn)})`);
    for (const d of report.deleted) lines.push(`  ${verb} ${d.sessionId} on ${d.networkInterfaceId}: ${d.reason}`);
  }
  for (const failure of report.failures) {
    lines.push(`  FAILED ${failure.networkInterfaceId ?? failure.sessionId ?? ''}: ${failure.awsCode ?? failure.kind}: ${failure.message}`);
  }
  return `${lines.join('\n')}\n`;
}
