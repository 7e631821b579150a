import { synthesizeConstructPolicies, EMULATOR_ENV } from '../../../infra/synthesized-policies.js';
import type { EcsTrafficMirrorProps, UnsupportedEniPolicy } from '../../../infra/ecs-traffic-mirror.js';
import { POLICY_PLACEHOLDERS, roleIamPolicies, withMirrorIds, type ConstructPolicies } from '../../../src/emulator/iam/index.js';
import type { IamPolicies } from '../../../src/emulator/index.js';

/** The construct's props per mode, as the e2e tests deploy them (stop-task needs explicit clusters). */
export function constructProps(mode: UnsupportedEniPolicy, extra: Partial<EcsTrafficMirrorProps> = {}): EcsTrafficMirrorProps {
  return {
    ...POLICY_PLACEHOLDERS,
    unsupportedPolicy: mode,
    ...(mode === 'stop-task' ? { clusters: ['apps'] } : {}),
    ...extra,
  };
}

const cache = new Map<string, ConstructPolicies>();

/** Each Lambda role's policy as the construct synthesizes it for these props (synthesized once per props). */
export function synthesizedPolicies(props: EcsTrafficMirrorProps): ConstructPolicies {
  const key = JSON.stringify(props);
  const cached = cache.get(key);
  if (cached) return cached;
  const policies = synthesizeConstructPolicies(props, EMULATOR_ENV);
  cache.set(key, policies);
  return policies;
}

/** Emulator IAM for a world: the synthesized policies with the world's target and filter. */
export function worldIamPolicies(policies: ConstructPolicies, ids: { targetId: string; filterId: string }): IamPolicies {
  return roleIamPolicies(withMirrorIds(policies, ids));
}

/** The policies without the statement `sid` of `role`: a missing grant. */
export function withoutStatement(policies: ConstructPolicies, role: keyof ConstructPolicies, sid: string): ConstructPolicies {
  const document = policies[role] as { Version: string; Statement: { Sid?: string }[] };
  const kept = document.Statement.filter((statement) => statement.Sid !== sid);
  if (kept.length === document.Statement.length) throw new Error(`no statement ${sid} in the ${role} policy`);
  return { ...policies, [role]: { ...document, Statement: kept } };
}
