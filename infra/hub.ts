import { Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ACCOUNT_ID_PATTERN, DEFAULT_MEMBER_ROLE_NAME, REGION_PATTERN } from '../src/contract/members.js';
import { EcsTrafficMirrorConfigError } from './config-error.js';
import { EcsTrafficMirror, type EcsTrafficMirrorProps } from './ecs-traffic-mirror.js';

/** The hub's bus name unless told otherwise; members forward to it. */
export const DEFAULT_HUB_EVENT_BUS_NAME = 'ecs-traffic-mirror-hub';
/** The hub's Lambda roles are named from this prefix, so that members can trust exactly them. */
export const DEFAULT_HUB_ROLE_NAME_PREFIX = 'ecs-traffic-mirror-hub';

/** The fixed names of the hub's two Lambda roles. */
export function hubFunctionRoleNames(prefix: string): { event: string; reconcile: string } {
  return { event: `${prefix}-event`, reconcile: `${prefix}-reconcile` };
}

/** The hub's two Lambda role ARNs, as a member's trust policy names them. */
export function hubFunctionRoleArns(hubAccountId: string, prefix = DEFAULT_HUB_ROLE_NAME_PREFIX, partition = 'aws'): string[] {
  const names = hubFunctionRoleNames(prefix);
  return [names.event, names.reconcile].map((name) => `arn:${partition}:iam::${hubAccountId}:role/${name}`);
}

/** One member account × Region the hub acts in and sweeps. */
export interface HubMember {
  /** The member account id (12 digits). */
  readonly account: string;
  /** The member Region (its events are forwarded from there). */
  readonly region: string;
  /**
   * The target the member's sessions use there: shared with the member through AWS RAM.
   * @default - the hub's `targetId`
   */
  readonly targetId?: string;
  /**
   * A filter in the member account (filters are the session's account's own).
   * @default - the hub's `filterId`
   */
  readonly filterId?: string;
}

/**
 * Properties of {@link EcsTrafficMirrorHub}: the organization, its members, and the mirror's settings.
 * Clusters are scoped in each member (its rule forwards only their events); `stop-task`, which needs
 * clusters, is not offered to a hub.
 */
export interface EcsTrafficMirrorHubProps extends Omit<EcsTrafficMirrorProps, 'clusters' | 'unsupportedPolicy' | 'maxStopsPerService' | 'stopWindow' | 'eventBus' | 'hub' | 'functionRoleNames' | 'targetOwnerAccountId' | 'targetNetworkLoadBalancerArn' | 'targetGatewayLoadBalancerEndpointId' | 'targetNetworkInterfaceId' | 'filterId'> {
  /** The AWS Organization (`o-…`): only its accounts may put events on the hub's bus, and only its accounts' roles are assumed. */
  readonly organizationId: string;
  /** The members: every account × Region the hub handles events of and sweeps. */
  readonly members: readonly HubMember[];
  /** The default target of the members' sessions (`tmt-…`), shared with them through AWS RAM. */
  readonly targetId: string;
  /** The default filter (`tmf-…`) of the members' sessions; members with filters of their own name them in `members`. */
  readonly filterId: string;
  /** The external id every member role requires (`sts:ExternalId`); not a secret, a guard against the confused deputy. */
  readonly externalId: string;
  /**
   * The member role's name, the same in every member.
   * @default 'ecs-traffic-mirror-member'
   */
  readonly memberRoleName?: string;
  /**
   * Name of the hub's event bus.
   * @default 'ecs-traffic-mirror-hub'
   */
  readonly eventBusName?: string;
  /**
   * Prefix of the hub's Lambda role names (`<prefix>-event`, `<prefix>-reconcile`), which the members trust.
   * @default 'ecs-traffic-mirror-hub'
   */
  readonly roleNamePrefix?: string;
}

const ORGANIZATION_ID_PATTERN = /^o-[a-z0-9]{10,32}$/;

/**
 * Hub and spoke, the hub's side: an event bus that only the organization's accounts may put
 * events on, the queue, and the two Lambdas, which act in the members only by assuming their
 * member role (for the event's `account`, in the event's `region`) and sweep every member.
 */
export class EcsTrafficMirrorHub extends Construct {
  /** The bus members forward their ECS Task State Change events to. */
  public readonly eventBus: events.EventBus;
  /** The mirror (queue, Lambdas, alarms, dashboard), acting through the member roles. */
  public readonly mirror: EcsTrafficMirror;
  /** ARNs of the hub's two Lambda roles: what the members' trust policies name. */
  public readonly functionRoleArns: readonly string[];

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorHubProps) {
    super(scope, id);
    validateHubProps(props);
    const stack = Stack.of(this);
    const prefix = props.roleNamePrefix ?? DEFAULT_HUB_ROLE_NAME_PREFIX;
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: props.eventBusName ?? DEFAULT_HUB_EVENT_BUS_NAME });
    // EventBridge PutPermission: Principal "*" with the aws:PrincipalOrgID condition admits every
    // account of the organization, and no other.
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OrganizationMembersPutEvents',
        principals: [new iam.AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
      }),
    );
    const { organizationId, members, externalId, memberRoleName, eventBusName: _bus, roleNamePrefix: _prefix, ...mirror } = props;
    this.mirror = new EcsTrafficMirror(this, 'Mirror', {
      ...mirror,
      eventBus: this.eventBus,
      functionRoleNames: hubFunctionRoleNames(prefix),
      hub: {
        organizationId,
        memberRoleName: memberRoleName ?? DEFAULT_MEMBER_ROLE_NAME,
        externalId,
        membersJson: JSON.stringify(members.map((m) => ({ account: m.account, region: m.region, ...(m.targetId ? { targetId: m.targetId } : {}), ...(m.filterId ? { filterId: m.filterId } : {}) }))),
      },
    });
    this.functionRoleArns = hubFunctionRoleArns(stack.account, prefix, stack.partition);
  }
}

function validateHubProps(props: EcsTrafficMirrorHubProps): void {
  if (!ORGANIZATION_ID_PATTERN.test(props.organizationId)) throw new EcsTrafficMirrorConfigError(`organizationId: '${props.organizationId}' is not an organization id (o-…)`);
  if (props.members.length === 0) throw new EcsTrafficMirrorConfigError('members: at least one member account and Region');
  const seen = new Set<string>();
  for (const member of props.members) {
    if (!ACCOUNT_ID_PATTERN.test(member.account)) throw new EcsTrafficMirrorConfigError(`members: '${member.account}' is not an account id (12 digits)`);
    if (!REGION_PATTERN.test(member.region)) throw new EcsTrafficMirrorConfigError(`members: '${member.region}' is not a Region name`);
    const key = `${member.account}/${member.region}`;
    if (seen.has(key)) throw new EcsTrafficMirrorConfigError(`members: ${key} is listed twice`);
    seen.add(key);
  }
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(props.externalId)) throw new EcsTrafficMirrorConfigError('externalId: 2 to 1224 letters, digits or +=,.@:/-');
}
