/**
 * The hub-and-spoke topology's names, shared by the hub's Lambdas (src/) and the constructs that
 * deploy hub and members (infra/). A hub is the same product with these set: it assumes the
 * member role of each event's account for the event's Region, and sweeps every registered member.
 */
export const HUB_ENV = {
  /** Name of the role every member account holds for the hub (same name in each account). */
  memberRoleName: 'MIRROR_MEMBER_ROLE_NAME',
  /** The external id the members' trust policies require (sts:ExternalId). */
  memberExternalId: 'MIRROR_MEMBER_EXTERNAL_ID',
  /**
   * The registered members, JSON: `[{"account":"111111111111","region":"eu-west-1","targetId":"tmt-…","filterId":"tmf-…"}]`
   * (target and filter default to MIRROR_TARGET_ID / MIRROR_FILTER_ID). Events of other accounts
   * are refused; the sweep covers exactly these.
   */
  members: 'MIRROR_MEMBERS',
} as const;

/** The member role's name when none is given (Member construct and CLI `--role-name` default alike). */
export const DEFAULT_MEMBER_ROLE_NAME = 'ecs-traffic-mirror-member';

/** RoleSessionName of the hub's sessions in members: CloudTrail in the member shows who acted. */
export const HUB_SESSION_NAME = 'ecs-traffic-mirror-hub';

/** Twelve digits (Organizations API reference, Account.Id). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** A Region name (`eu-west-1`, `us-gov-west-1`, `ap-southeast-5`). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** IAM's role name rule (IAM API reference, CreateRole.RoleName): 1–64 of `[\w+=,.@-]`. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
