import type { DeniedCall } from './authorizer.js';
import { IAM_EVALUATOR_PACKAGE } from './evaluator.js';

/** One summary line: how many calls IAM denied, and which (action on resource, by key). */
export function denialsLine(denials: readonly DeniedCall[] | 'not-evaluated'): string {
  if (denials === 'not-evaluated') return `IAM: not evaluated (install the optional ${IAM_EVALUATOR_PACKAGE} to run the Lambdas under the construct's policies)`;
  if (denials.length === 0) return "IAM (the construct's policies per Lambda role): no call denied";
  const counts = new Map<string, number>();
  for (const denial of denials) {
    const key = `${denial.action} on ${denial.resource} (${denial.accessKeyId})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const listed = [...counts].map(([key, count]) => `  ${count} × ${key}`);
  return [`IAM (the construct's policies per Lambda role): ${denials.length} calls DENIED`, ...listed].join('\n');
}
