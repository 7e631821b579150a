import { METRIC } from '../app/deps.js';
import { reconcile, type ReconcileReport } from '../app/reconcile.js';
import { lambdaDeps } from './lambda-deps.js';

/** Overall coverage of the sweep, for the dashboard: mirrored / mirrorable ENIs, in percent. */
export function overallCoverage(report: ReconcileReport): number {
  const mirrored = report.clusters.reduce((sum, c) => sum + c.mirrored, 0);
  const mirrorable = report.clusters.reduce((sum, c) => sum + c.enis - c.unsupported, 0);
  return mirrorable === 0 ? 100 : (mirrored / mirrorable) * 100;
}

/**
 * The scheduled sweep. Throws when any repair failed, so that the function's Errors alarm
 * fires; what it did is logged either way.
 */
export const handler = async (): Promise<ReconcileReport> => {
  const app = lambdaDeps();
  try {
    const report = await reconcile(app, { dryRun: false, ...(app.config.createRatePerSecond ? { actionsPerSecond: app.config.createRatePerSecond } : {}) });
    app.metrics.percent(METRIC.coverage, overallCoverage(report));
    app.logger.info('reconcile report', { clusters: report.clusters, created: report.created.length, deleted: report.deleted.length, unmirrored: report.unmirrored.length });
    if (report.failures.length > 0) {
      app.logger.error('reconcile could not repair everything', { failures: report.failures });
      throw new Error(`reconcile: ${report.failures.length} repairs failed; first: ${report.failures[0]?.message}`);
    }
    return report;
  } finally {
    app.metrics.flush();
  }
};
