import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as ram from 'aws-cdk-lib/aws-ram';
import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { REGION_PATTERN } from '../src/contract/members.js';
import { EcsTrafficMirrorConfigError } from './config-error.js';

/** Properties of {@link EcsTrafficMirrorTargetShare}. */
export interface EcsTrafficMirrorTargetShareProps {
  /** The target to share (`tmt-…`), owned by this stack's account, in this stack's Region. */
  readonly targetId: string;
  /**
   * Who may use it: the organization's ARN (`arn:aws:organizations::<management account>:organization/o-…`),
   * OU ARNs or account ids.
   */
  readonly principals: readonly string[];
  /**
   * Name of the resource share.
   * @default 'ecs-traffic-mirror-target'
   */
  readonly name?: string;
}

/**
 * Shares a traffic mirror target with the organization (AWS RAM, resource type
 * `ec2:TrafficMirrorTarget`): member accounts then create sessions to it from their own ENIs,
 * and only this account can modify or delete it. Principals outside the organization are refused
 * (`allowExternalPrincipals: false`).
 */
export class EcsTrafficMirrorTargetShare extends Construct {
  /** The resource share. */
  public readonly share: ram.CfnResourceShare;

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorTargetShareProps) {
    super(scope, id);
    if (props.principals.length === 0) throw new EcsTrafficMirrorConfigError('principals: at least one organization, OU or account');
    this.share = new ram.CfnResourceShare(this, 'Share', {
      name: props.name ?? 'ecs-traffic-mirror-target',
      allowExternalPrincipals: false,
      principals: [...props.principals],
      resourceArns: [Stack.of(this).formatArn({ service: 'ec2', resource: 'traffic-mirror-target', resourceName: props.targetId })],
    });
  }
}

/** Properties of {@link EcsTrafficMirrorStackSet}. */
export interface EcsTrafficMirrorStackSetProps {
  /**
   * S3 URL of the per-account template: `cdk synth` of an app whose stack is `EcsTrafficMirrorStack`
   * (targetId: the shared target, targetOwnerAccountId: its owner), with its assets published to a
   * bucket the organization's accounts can read (docs/organizations.md).
   */
  readonly templateUrl: string;
  /** The organizational units whose accounts get the stack (`ou-…` or the root `r-…`). */
  readonly organizationalUnitIds: readonly string[];
  /** The Regions of every account. */
  readonly regions: readonly string[];
  /**
   * Name of the StackSet.
   * @default 'ecs-traffic-mirror'
   */
  readonly stackSetName?: string;
  /**
   * Parameters of the template.
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, string>>;
  /**
   * Whether stacks stay when their account leaves the OUs.
   * @default false
   */
  readonly retainStacksOnAccountRemoval?: boolean;
  /**
   * Deploy from a delegated administrator account rather than the management account.
   * @default false
   */
  readonly delegatedAdmin?: boolean;
  /**
   * Accounts deployed at once, in percent of each Region's.
   * @default 25
   */
  readonly maxConcurrentPercentage?: number;
}

/**
 * The per-account topology: today's stack in every account and Region of chosen organizational
 * units, deployed by a service-managed StackSet that deploys it automatically to accounts that
 * join the OUs (CloudFormation StackSets, service-managed permissions with automatic deployment).
 */
export class EcsTrafficMirrorStackSet extends Construct {
  /** The StackSet. */
  public readonly stackSet: cloudformation.CfnStackSet;

  constructor(scope: Construct, id: string, props: EcsTrafficMirrorStackSetProps) {
    super(scope, id);
    if (props.organizationalUnitIds.length === 0) throw new EcsTrafficMirrorConfigError('organizationalUnitIds: at least one OU');
    for (const region of props.regions) if (!REGION_PATTERN.test(region)) throw new EcsTrafficMirrorConfigError(`regions: '${region}' is not a Region name`);
    if (props.regions.length === 0) throw new EcsTrafficMirrorConfigError('regions: at least one Region');
    this.stackSet = new cloudformation.CfnStackSet(this, 'StackSet', {
      stackSetName: props.stackSetName ?? 'ecs-traffic-mirror',
      description: 'ecs-traffic-mirror: VPC Traffic Mirroring for every ECS task ENI, in every account of the OUs',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: props.retainStacksOnAccountRemoval ?? false },
      callAs: props.delegatedAdmin ? 'DELEGATED_ADMIN' : 'SELF',
      // The stack creates IAM roles (the two Lambda roles).
      capabilities: ['CAPABILITY_IAM'],
      templateUrl: props.templateUrl,
      operationPreferences: { maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25, failureTolerancePercentage: 10, regionConcurrencyType: 'PARALLEL' },
      parameters: Object.entries(props.parameters ?? {}).map(([parameterKey, parameterValue]) => ({ parameterKey, parameterValue })),
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] }, regions: [...props.regions] }],
    });
  }
}
