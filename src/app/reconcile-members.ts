import { asMirrorError } from '../core/errors.js';
import { memberKeyText, type MemberKey } from '../core/member.js';
import { forEachLimited, METRIC } from './deps.js';
import type { HubObservability } from './handle-member-events.js';
import type { MemberDepsSource } from './members.js';
import { reconcile, sweepProblems, type ReconcileReport, type SweepOptions } from './reconcile.js';

/** One member's sweep: its report, or why it could not be swept (its role, a listing failure). */
export type MemberSweep =
  | { readonly member: MemberKey; readonly outcome: 'swept'; readonly report: ReconcileReport }
  | { readonly member: MemberKey; readonly outcome: 'failed'; readonly awsCode?: string; readonly message: string };

/** Members swept at once: each spends only its own account's EC2 budget, so they do not compete. */
const MEMBER_CONCURRENCY = 4;

/**
 * The sweep of every member × Region: the ordinary sweep, once per member with its own
 * dependencies, a few members at a time; one member failing (its role cannot be assumed, ECS
 * does not answer) is reported for that member and the others are still swept.
 */
export async function reconcileMembers(members: readonly MemberKey[], source: MemberDepsSource, hub: HubObservability, options: SweepOptions): Promise<MemberSweep[]> {
  const sweeps = new Map<string, MemberSweep>();
  await forEachLimited(members, MEMBER_CONCURRENCY, async (member) => {
    try {
      const deps = await source.depsFor(member);
      sweeps.set(memberKeyText(member), { member, outcome: 'swept', report: await reconcile(deps, options) });
    } catch (caught) {
      const error = asMirrorError(caught);
      hub.logger.error('member not swept', { member: memberKeyText(member), awsCode: error.awsCode, reason: error.message });
      hub.metrics.count(METRIC.memberUnreachable);
      sweeps.set(memberKeyText(member), { member, outcome: 'failed', ...(error.awsCode ? { awsCode: error.awsCode } : {}), message: error.message });
    }
  });
  // In the order given, whatever order they finished in.
  return members.flatMap((member) => {
    const sweep = sweeps.get(memberKeyText(member));
    return sweep ? [sweep] : [];
  });
}

/** Everything that makes the organization's sweep not a clean one, each naming its member. */
export function memberSweepProblems(sweeps: readonly MemberSweep[]): string[] {
  return sweeps.flatMap((sweep) =>
    sweep.outcome === 'failed'
      ? [`${memberKeyText(sweep.member)}: not swept: ${sweep.message}`]
      : sweepProblems(sweep.report).map((problem) => `${memberKeyText(sweep.member)}: ${problem}`),
  );
}

/** Coverage totals of a report: mirrored ÷ mirrorable, as the dashboard's Coverage metric. */
export function coverageTotals(reports: readonly ReconcileReport[]): { tasks: number; enis: number; mirrored: number; unsupported: number; missing: number; coveragePercent: number } {
  const sum = (pick: (c: ReconcileReport['clusters'][number]) => number) => reports.reduce((total, r) => total + r.clusters.reduce((s, c) => s + pick(c), 0), 0);
  const enis = sum((c) => c.enis);
  const mirrored = sum((c) => c.mirrored);
  const unsupported = sum((c) => c.unsupported);
  const mirrorable = enis - unsupported;
  return { tasks: sum((c) => c.tasks), enis, mirrored, unsupported, missing: sum((c) => c.missing), coveragePercent: mirrorable === 0 ? 100 : (mirrored / mirrorable) * 100 };
}

/**
 * The organization's sweep as one report (what the hub's scheduled Lambda returns and logs):
 * each cluster named `<account>/<region>/<cluster>`, the lists of every member together, and a
 * member that could not be swept as a cluster error of `<account>/<region>`.
 */
export function organizationReport(sweeps: readonly MemberSweep[], dryRun: boolean): ReconcileReport {
  const swept = sweeps.flatMap((sweep) => (sweep.outcome === 'swept' ? [{ prefix: memberKeyText(sweep.member), report: sweep.report }] : []));
  const all = <T>(pick: (report: ReconcileReport) => readonly T[]): T[] => swept.flatMap(({ report }) => pick(report));
  const holds = swept.flatMap(({ prefix, report }) => (report.holdReason === undefined ? [] : [`${prefix}: ${report.holdReason}`]));
  return {
    dryRun,
    clusters: swept.flatMap(({ prefix, report }) => report.clusters.map((c) => ({ ...c, cluster: `${prefix}/${c.cluster}` }))),
    doors: swept.flatMap(({ prefix, report }) => report.doors.map((d) => ({ ...d, cluster: `${prefix}/${d.cluster}` }))),
    instanceSessions: swept.flatMap(({ prefix, report }) => report.instanceSessions.map((i) => ({ ...i, cluster: `${prefix}/${i.cluster}` }))),
    unmirrored: swept.flatMap(({ prefix, report }) => report.unmirrored.map((u) => ({ ...u, cluster: `${prefix}/${u.cluster}` }))),
    created: all((r) => r.created),
    deleted: all((r) => r.deleted),
    drifted: all((r) => r.drifted),
    modified: all((r) => r.modified),
    foreignSessions: all((r) => r.foreignSessions),
    failures: all((r) => r.failures),
    unverified: all((r) => r.unverified),
    heldDeletes: all((r) => r.heldDeletes),
    ...(holds.length > 0 ? { holdReason: holds.join('; ') } : {}),
    clusterErrors: [
      ...swept.flatMap(({ prefix, report }) => report.clusterErrors.map((c) => ({ ...c, cluster: `${prefix}/${c.cluster}` }))),
      ...sweeps.flatMap((sweep) => (sweep.outcome === 'failed' ? [{ cluster: memberKeyText(sweep.member), message: `not swept: ${sweep.message}` }] : [])),
    ],
  };
}
