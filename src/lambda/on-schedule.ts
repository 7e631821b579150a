import { METRIC } from '../app/deps.js';
import { organizationReport, reconcileMembers } from '../app/reconcile-members.js';
import { reconcile, sweepProblems, type ReconcileReport } from '../app/reconcile.js';
import { hubMembers, lambdaDeps } from './lambda-deps.js';

/** Overall coverage of the sweep, for the dashboard: mirrored / mirrorable ENIs, in percent. */
export function overallCoverage(report: ReconcileReport): number {
  const mirrored = report.clusters.reduce((sum, c) => sum + c.mirrored, 0);
  const mirrorable = report.clusters.reduce((sum, c) => sum + c.enis - c.unsupported, 0);
  return mirrorable === 0 ? 100 : (mirrored / mirrorable) * 100;
}

/**
 * The scheduled sweep. Throws when it was not a clean one (a repair failed, a session could not
 * be verified, deletes were held back, a cluster could not be listed), so that the function's
 * Errors alarm fires; the metrics are published first (the `finally`), and what it did is logged
 * either way. The circuit breaker holds on every run until an operator sweeps with a raised
 * limit: a scheduled run has nowhere to remember that a previous one agreed.
 */
export const handler = async (): Promise<ReconcileReport> => {
  const app = lambdaDeps();
  const members = hubMembers();
  try {
    const options = { dryRun: false, ...(app.config.createRatePerSecond ? { actionsPerSecond: app.config.createRatePerSecond } : {}) };
    // A hub sweeps every registered member × Region, each with its own role session and budget.
    const report = members ? organizationReport(await reconcileMembers(members.members, members, app, options), false) : await reconcile(app, options);
    app.metrics.percent(METRIC.coverage, overallCoverage(report));
    app.logger.info('reconcile report', { clusters: report.clusters, created: report.created.length, deleted: report.deleted.length, unmirrored: report.unmirrored.length });
    const problems = sweepProblems(report);
    if (problems.length > 0) {
      app.logger.error('reconcile was not clean', { problems, failures: report.failures, unverified: report.unverified, heldDeletes: report.heldDeletes });
      const first = report.failures[0]?.message ?? report.unverified[0]?.reason;
      throw new Error(`reconcile: ${problems.join('; ')}${first === undefined ? '' : `; first: ${first}`}`);
    }
    return report;
  } finally {
    app.metrics.flush();
  }
};

