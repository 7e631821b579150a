import generated from './construct-policies.json' with { type: 'json' };
import type { IamPolicies, PolicyDocument } from './policies.js';

/**
 * The identity policies the CDK construct gives the event and the reconcile Lambda (default
 * props: `report`, every cluster), synthesized by `npm run gen:policies` into
 * construct-policies.json for the emulator's account and Region; test/infra keeps the file equal
 * to what the construct synthesizes. The demo cannot synthesize at run time (aws-cdk-lib is not a
 * runtime dependency), hence the file.
 */
export interface ConstructPolicies {
  readonly event: PolicyDocument;
  readonly reconcile: PolicyDocument;
}

/** Target and filter ids the policies are synthesized with; replaced by the real ones at use. */
export const POLICY_PLACEHOLDERS = { targetId: 'tmt-00000000000000000', filterId: 'tmf-00000000000000000' } as const;

/** The access key ids that stand for the two Lambda roles in the emulator. */
export const ROLE_ACCESS_KEYS = { event: 'AKIAEVENTFUNCTIONROLE', reconcile: 'AKIARECONCILEFUNCTION' } as const;

export const CONSTRUCT_POLICIES: ConstructPolicies = generated;

/** The policies with the placeholder ids replaced by the deployment's target and filter. */
export function withMirrorIds(policies: ConstructPolicies, ids: { targetId: string; filterId: string }): ConstructPolicies {
  const text = JSON.stringify(policies)
    .replaceAll(POLICY_PLACEHOLDERS.targetId, ids.targetId)
    .replaceAll(POLICY_PLACEHOLDERS.filterId, ids.filterId);
  return JSON.parse(text) as ConstructPolicies;
}

/** Emulator IAM: each role's policy under its access key (ROLE_ACCESS_KEYS). */
export function roleIamPolicies(policies: ConstructPolicies): IamPolicies {
  return { [ROLE_ACCESS_KEYS.event]: [policies.event], [ROLE_ACCESS_KEYS.reconcile]: [policies.reconcile] };
}
