import { synthesizeMemberRole, type SynthesizedMemberRole } from '../../../infra/synthesized-policies.js';
import { DEFAULT_MEMBER_ROLE_NAME } from '../../../src/contract/members.js';
import { memberKeyText } from '../../../src/core/member.js';
import { EXTERNAL_ID, HUB_ACCOUNT, HUB_REGION, ORGANIZATION_ID, type OrgWorld } from '../../../src/demo/org-world.js';
import type { EmulatedRoles } from '../../../src/emulator/org/index.js';

export interface MemberRoleOptions {
  /** The external id an account's Member stacks were deployed with (default: the hub's). */
  readonly externalIdOf?: (accountId: string) => string;
  /** Changes an account's synthesized role before the emulator gets it (a broken deployment). */
  readonly edit?: (accountId: string, role: SynthesizedMemberRole) => SynthesizedMemberRole;
}

/**
 * The member role of every account of the world as the Member construct synthesizes it, one
 * Member stack per member Region with that Region's shared target and the member's filter.
 *
 * Deployed as docs/organizations.md says: the account's first member Region creates the role
 * (`createRole`), the others (`createRole: false`) attach their Region's grants to it by name — a
 * role is global (IAM User Guide, "IAM identifiers") while the grants name each Region's ARNs.
 */
export function synthesizedMemberRoles(world: OrgWorld, options: MemberRoleOptions = {}): EmulatedRoles {
  const accounts = [...new Set(world.members.map((member) => member.accountId))];
  return Object.fromEntries(
    accounts.map((accountId) => {
      const perRegion = world.members
        .filter((member) => member.accountId === accountId)
        .map((member, index) => {
          const mirror = world.mirror.get(memberKeyText(member));
          if (!mirror) throw new Error(`no mirror ids for ${memberKeyText(member)}`);
          const props = {
            hubAccountId: HUB_ACCOUNT,
            hubRegion: HUB_REGION,
            organizationId: ORGANIZATION_ID,
            externalId: options.externalIdOf?.(accountId) ?? EXTERNAL_ID,
            targetId: mirror.targetId,
            targetOwnerAccountId: HUB_ACCOUNT,
            filterId: mirror.filterId,
            createRole: index === 0,
          };
          return { region: member.region, props };
        });
      const role = synthesizeMemberRole(accountId, perRegion);
      return [`arn:aws:iam::${accountId}:role/${DEFAULT_MEMBER_ROLE_NAME}`, options.edit?.(accountId, role) ?? role];
    }),
  );
}

/** The role without the statement `sid`: a missing grant. */
export function withoutStatement(role: SynthesizedMemberRole, sid: string): SynthesizedMemberRole {
  const policies = role.policies.map((policy) => {
    const statements = (policy['Statement'] as { Sid?: string }[]).filter((statement) => statement.Sid !== sid);
    return { ...policy, Statement: statements };
  });
  const before = role.policies.flatMap((policy) => policy['Statement'] as unknown[]).length;
  if (policies.flatMap((policy) => policy.Statement).length === before) throw new Error(`no statement ${sid} in the member role`);
  return { ...role, policies };
}
