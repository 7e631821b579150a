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

/**
 * The hub's variables with their doc lines, after CONFIG_VARIABLES: `--help` of the commands that
 * sweep members (`status`, `reconcile`) and the README's variable table list them from here.
 */
export const HUB_VARIABLES: readonly (readonly [string, string])[] = [
  [HUB_ENV.memberRoleName, `Hub: the role every member account holds for the hub; set, this process is a hub. --role-name overrides it. Default: not a hub (the CLI's --role-name default is ${DEFAULT_MEMBER_ROLE_NAME}).`],
  [HUB_ENV.memberExternalId, 'Hub: the external id the member roles trust (sts:ExternalId), 2..1224 characters. --external-id overrides it. Default: none.'],
  [
    HUB_ENV.members,
    `Hub: the registered members, a JSON list of { "account": "…", "region": "…", "targetId"?: "tmt-…", "filterId"?: "tmf-…" } (target and filter default to the variables above). Events of other accounts are refused; status and reconcile without --accounts sweep exactly these (with ${HUB_ENV.memberRoleName}). Default: none.`,
  ],
];

/** RoleSessionName of the hub's sessions in members: CloudTrail in the member shows who acted. */
export const HUB_SESSION_NAME = 'ecs-traffic-mirror-hub';

/** Twelve digits (Organizations API reference, Account.Id). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** A Region name (`eu-west-1`, `us-gov-west-1`, `ap-southeast-5`). */
export const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** IAM's role name rule (IAM API reference, CreateRole.RoleName): 1–64 of `[\w+=,.@-]`. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;
