import { coverageTotals, type MemberSweep } from '../app/reconcile-members.js';
import { lastPathSegment } from '../core/task.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) => row.map((cell, column) => (column <= 1 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

/**
 * The organization's coverage: one row per account × Region, then the total, then per member
 * what is not mirrored and what failed. A member that could not be swept has a row that says why.
 */
export function formatMemberSweeps(sweeps: readonly MemberSweep[], mode: 'status' | 'reconcile'): string {
  const header = ['account', 'region', 'tasks', 'enis', 'mirrored', 'unsupported', 'missing', 'coverage'];
  const rows = sweeps.map((sweep) => {
    const head = [sweep.member.accountId, sweep.member.region];
    if (sweep.outcome === 'failed') return [...head, '-', '-', '-', '-', '-', `not swept: ${sweep.awsCode ?? 'error'}`];
    const t = coverageTotals([sweep.report]);
    return [...head, `${t.tasks}`, `${t.enis}`, `${t.mirrored}`, `${t.unsupported}`, `${t.missing}`, `${t.coveragePercent.toFixed(1)}%`];
  });
  const total = coverageTotals(sweeps.flatMap((sweep) => (sweep.outcome === 'swept' ? [sweep.report] : [])));
  const failed = sweeps.filter((sweep) => sweep.outcome === 'failed').length;
  rows.push(['total', failed > 0 ? `${failed} not swept` : '', `${total.tasks}`, `${total.enis}`, `${total.mirrored}`, `${total.unsupported}`, `${total.missing}`, `${total.coveragePercent.toFixed(1)}%`]);
  const lines = [table([header, ...rows])];
  for (const sweep of sweeps) {
    const name = `${sweep.member.accountId}/${sweep.member.region}`;
    if (sweep.outcome === 'failed') {
      lines.push('', `${name}: NOT SWEPT: ${sweep.message}`);
      continue;
    }
    const report = sweep.report;
    const details: string[] = [];
    for (const eni of report.unmirrored) details.push(`  ${eni.cluster}/${lastPathSegment(eni.taskArn)}  ${eni.networkInterfaceId ?? '-'}  ${eni.state}: ${eni.reason}`);
    for (const c of report.clusterErrors) details.push(`  CLUSTER NOT SWEPT ${c.cluster}: ${c.message}`);
    if (report.unverified.length > 0) details.push(`  ${report.unverified.length} unverified (kept; ECS did not answer for them with certainty)`);
    if (report.holdReason !== undefined) details.push(`  held back ${report.heldDeletes.length} deletes: ${report.holdReason}`);
    if (mode === 'reconcile' && !report.dryRun) details.push(`  created ${report.created.length}, deleted ${report.deleted.length}`);
    for (const failure of report.failures) details.push(`  FAILED ${failure.networkInterfaceId ?? failure.sessionId ?? ''}: ${failure.awsCode ?? failure.kind}: ${failure.message}`);
    if (details.length > 0) lines.push('', `${name}:`, ...details);
  }
  return `${lines.join('\n')}\n`;
}
