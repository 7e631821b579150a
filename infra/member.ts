import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ACCOUNT_ID_PATTERN, DEFAULT_MEMBER_ROLE_NAME, REGION_PATTERN } from '../src/contract/members.js';
import { resolveClusterScope, type ClusterReference } from './cluster-scope.js';
import { EcsTrafficMirrorConfigError } from './config-error.js';
import { createAcceptAllFilter } from './default-filter.js';
import { DEFAULT_HUB_EVENT_BUS_NAME, DEFAULT_HUB_ROLE_NAME_PREFIX, hubFunctionRoleArns } from './hub.js';
import { memberRoleStatements } from './mirror-permissions.js';
import { acknowledgeWildcardResources } from './nag-acknowledgements.js';

/** Properties of {@link EcsTrafficMirrorMember}. */
export interface EcsTrafficMirrorMemberProps {
  /** The hub's account id. */
  readonly hubAccountId: string;
  /** The hub's Region (where its event bus is). */
  readonly hubRegion: string;
  /** The organization (`o-…`) the hub's roles must belong to (`aws:PrincipalOrgID`). */
  readonly organizationId: string;
  /** The external id the hub must present (`sts:ExternalId`). */
  readonly externalId: string;
  /** The target the sessions use, shared with this account through AWS RAM (`tmt-…`). */
  readonly targetId: string;
  /**
   * The account that owns the target.
   * @default - `hubAccountId`
   */
  readonly targetOwnerAccountId?: string;
  /**
   * A filter in this account (`tmf-…`).
   * @default - a filter accepting all TCP and UDP, both directions, is created
   */
  readonly filterId?: string;
  /**
   * Clusters whose task events are forwarded, names or ARNs; they scope the role's ECS grants too.
   * @default - every cluster of the account and Region
   */
  readonly clusters?: readonly ClusterReference[];
  /**
   * The member role's name: the hub assumes this name in every member.
   * @default 'ecs-traffic-mirror-member'
   */
  readonly roleName?: string;
  /**
   * Name of the hub's event bus.
   * @default 'ecs-traffic-mirror-hub'
   */
  readonly hubEventBusName?: string;
  /**
   * Prefix of the hub's Lambda role names, which the trust policy names.
   * @default 'ecs-traffic-mirror-hub'
   */
  readonly hubRoleNamePrefix?: string;
  /**
   * Whether this stack creates the member role; `false` in the account's other Regions, whose
   * stacks then attach this Region's grants to the role by name (deploy them after the first).
   * @default true
   */
  readonly createRole?: boolean;
}

/**
 * Hub and spoke, a member's side (one per member account × Region): a rule forwarding this
 * account's ECS Task State Change events to the hub's bus, and the role the hub assumes — trusted
 * only by the hub's two Lambda roles, only from the organization, only with the external id —
 * with the grants of today's two Lambda roles, in this account. A role is global (IAM) and its
 * name fixed: in an account with several member Regions, create it in one (`createRole`); the
 * stacks of the other Regions attach their Region's grants to it by name.
 */
export class EcsTrafficMirrorMember extends Construct {
  /** The role the hub assumes (absent when `createRole` is false). */
  public readonly role?: iam.Role;
  /** The rule forwarding task events to the hub. */
  public readonly rule: events.Rule;
  /** The filter the hub's sessions use in this account. */
  public readonly filterId: string;

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorMemberProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!ACCOUNT_ID_PATTERN.test(props.hubAccountId)) throw new EcsTrafficMirrorConfigError(`hubAccountId: '${props.hubAccountId}' is not an account id`);
    if (!REGION_PATTERN.test(props.hubRegion)) throw new EcsTrafficMirrorConfigError(`hubRegion: '${props.hubRegion}' is not a Region name`);
    const clusters = resolveClusterScope(stack, props.clusters ?? []);
    this.filterId = props.filterId ?? createAcceptAllFilter(this);

    const hubBus = events.EventBus.fromEventBusArn(
      this,
      'HubEventBus',
      stack.formatArn({ service: 'events', region: props.hubRegion, account: props.hubAccountId, resource: 'event-bus', resourceName: props.hubEventBusName ?? DEFAULT_HUB_EVENT_BUS_NAME }),
    );
    this.rule = new events.Rule(this, 'ForwardTaskStateChanges', {
      description: 'ecs-traffic-mirror: forward starting ECS tasks to the hub',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: { lastStatus: ['PENDING', 'ACTIVATING', 'RUNNING'], ...(clusters.allClusters ? {} : { clusterArn: [...clusters.clusterArns] }) },
      },
    });
    // The target makes a role that may put events on exactly the hub's bus (required when the
    // bus admits the organization rather than single accounts: EventBridge PutPermission).
    this.rule.addTarget(new targets.EventBus(hubBus));

    const roleName = props.roleName ?? DEFAULT_MEMBER_ROLE_NAME;
    const statements = memberRoleStatements(
      {
        stack,
        clusters,
        targetIds: [props.targetId],
        filterIds: [this.filterId],
        targetOwnerAccountId: props.targetOwnerAccountId ?? props.hubAccountId,
      },
      false,
    );
    if (props.createRole === false) {
      // The role is global but these grants name this Region's ARNs (clusters, target, filter):
      // each Region's stack attaches its own to the role by name. A managed policy, because a
      // role's inline policies share 10,240 characters (IAM quotas) and one Region's grants take
      // about 2,800; a role takes 10 managed policies (up to 20 on request), each up to 6,144.
      const regionGrants = new iam.ManagedPolicy(this, 'RegionGrants', {
        managedPolicyName: `${roleName}-${stack.region}`,
        roles: [iam.Role.fromRoleName(this, 'Role', roleName)],
        statements,
      });
      acknowledgeWildcardResources(regionGrants, statements);
      return;
    }
    const trusted = hubFunctionRoleArns(props.hubAccountId, props.hubRoleNamePrefix ?? DEFAULT_HUB_ROLE_NAME_PREFIX, stack.partition);
    const role = new iam.Role(this, 'Role', {
      roleName,
      description: 'ecs-traffic-mirror: the hub mirrors the ENIs of this account\'s tasks through this role',
      assumedBy: new iam.PrincipalWithConditions(new iam.CompositePrincipal(...trusted.map((arn) => new iam.ArnPrincipal(arn))), {
        StringEquals: { 'aws:PrincipalOrgID': props.organizationId, 'sts:ExternalId': props.externalId },
      }),
    });
    for (const statement of statements) role.addToPrincipalPolicy(statement);
    acknowledgeWildcardResources(role, statements);
    this.role = role;
  }
}
