// A user's script on the library entry: its shipped types must compile without the optional
// peers (the CDK, the IAM evaluator) and without skipping library checks.
import { reconcile, type ReconcileReport } from 'ecs-traffic-mirror';

export const sweep: typeof reconcile = reconcile;
export type Report = ReconcileReport;
