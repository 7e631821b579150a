import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { HUB_ENV } from '../../src/contract/members.js';
import { ENV } from '../../src/contract/variables.js';
import { EcsTrafficMirrorHub } from '../../infra/hub.js';
import { EcsTrafficMirrorMember } from '../../infra/member.js';
import { EcsTrafficMirrorStackSet, EcsTrafficMirrorTargetShare } from '../../infra/stack-set.js';
import { EcsTrafficMirrorStack } from '../../infra/stack.js';
import { allStatements, cdkJsonContext, READ_ONLY_ACTION, type FlatStatement } from './helpers.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const ORG = 'o-exampleorg1';
const TARGET = 'tmt-0123456789abcdef0';
const FILTER = 'tmf-0123456789abcdef0';

/** The IAM checks today's stack passes: no mutating action on "*", no action wildcards, cdk-nag clean. */
function expectIamChecks(app: App, template: Template): void {
  const statements: FlatStatement[] = allStatements(template);
  const mutatingOnStar = statements
    .filter((s) => s.Effect === 'Allow' && s.Resource.includes('*'))
    .flatMap((s) => s.Action.filter((action) => !READ_ONLY_ACTION.test(action)));
  expect(mutatingOnStar).toEqual([]);
  expect(statements.flatMap((s) => s.Action.filter((action) => action.includes('*')))).toEqual([]);
  const report = new AwsSolutionsChecks().validateScope(app);
  expect(report.violations.map((v) => `${v.ruleName} @ ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
}

/** Every role's trust policy statements that let another account's principal in. */
function crossAccountTrusts(template: Template, ownAccount: string): { Principal: unknown; Condition?: unknown }[] {
  return Object.values(template.findResources('AWS::IAM::Role')).flatMap((role) =>
    ((role as { Properties: { AssumeRolePolicyDocument: { Statement: { Principal: unknown; Condition?: unknown }[] } } }).Properties.AssumeRolePolicyDocument.Statement).filter(
      (statement) => JSON.stringify(statement.Principal).includes('arn:') && !JSON.stringify(statement.Principal).includes(`::${ownAccount}:`),
    ),
  );
}

function newApp(): App {
  const app = new App({ context: cdkJsonContext() });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

describe('hub and spoke: Member', () => {
  let app: App;
  let template: Template;
  beforeAll(() => {
    app = newApp();
    const stack = new Stack(app, 'Member', { env: { account: MEMBER, region: 'eu-west-1' } });
    new EcsTrafficMirrorMember(stack, 'Member', { hubAccountId: HUB, hubRegion: 'us-east-1', organizationId: ORG, externalId: 'mirror-ext', targetId: TARGET, clusters: ['prod'] });
    template = Template.fromStack(stack);
  }, 120_000);

  it("forwards ECS Task State Change events of its clusters to the hub's bus", () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ecs'], 'detail-type': ['ECS Task State Change'], detail: { lastStatus: ['PENDING', 'ACTIVATING', 'RUNNING'], clusterArn: [`arn:aws:ecs:eu-west-1:${MEMBER}:cluster/prod`] } },
      Targets: [Match.objectLike({ Arn: `arn:aws:events:us-east-1:${HUB}:event-bus/ecs-traffic-mirror-hub` })],
    });
  });

  it("trusts only the hub's two Lambda roles, in the organization, with the external id", () => {
    const trusts = crossAccountTrusts(template, MEMBER);
    expect(trusts).toHaveLength(1);
    expect(trusts[0]).toMatchObject({
      Principal: { AWS: [`arn:aws:iam::${HUB}:role/ecs-traffic-mirror-hub-event`, `arn:aws:iam::${HUB}:role/ecs-traffic-mirror-hub-reconcile`] },
      Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG, 'sts:ExternalId': 'mirror-ext' } },
    });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'ecs-traffic-mirror-member' });
  });

  it("grants today's statements in this account, the shared target named in its owner's account", () => {
    const statements = allStatements(template);
    const target = statements.find((s) => s.Action.includes('ec2:CreateTrafficMirrorSession') && s.Resource.some((r) => r.includes('traffic-mirror-target')));
    expect(target?.Resource).toContain(`arn:aws:ec2:eu-west-1:${HUB}:traffic-mirror-target/${TARGET}`);
    expect(statements.some((s) => s.Action.includes('ec2:DeleteTrafficMirrorSession'))).toBe(true);
    expect(statements.some((s) => s.Action.includes('ecs:DescribeTasks'))).toBe(true);
    expect(statements.some((s) => s.Action.includes('ecs:StopTask'))).toBe(false);
    template.resourceCountIs('AWS::EC2::TrafficMirrorFilter', 1);
  });

  it("in the account's other Regions, attaches that Region's grants to the role by name, under a name of the Region", () => {
    const other = new Stack(newApp(), 'MemberUs', { env: { account: MEMBER, region: 'us-east-1' } });
    new EcsTrafficMirrorMember(other, 'Member', { hubAccountId: HUB, hubRegion: 'us-east-1', organizationId: ORG, externalId: 'mirror-ext', targetId: TARGET, clusters: ['prod'], createRole: false });
    const regional = Template.fromStack(other);
    regional.resourceCountIs('AWS::IAM::Role', 1); // the rule's role for the hub's bus only
    regional.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'ecs-traffic-mirror-member-us-east-1', Roles: ['ecs-traffic-mirror-member'] });
    const statements = allStatements(regional);
    const target = statements.find((s) => s.Action.includes('ec2:CreateTrafficMirrorSession') && s.Resource.some((r) => r.includes('traffic-mirror-target')));
    expect(target?.Resource).toContain(`arn:aws:ec2:us-east-1:${HUB}:traffic-mirror-target/${TARGET}`);
    expect(statements.some((s) => s.Action.includes('ecs:DescribeTasks') && s.Resource.some((r) => r.includes(`arn:aws:ecs:us-east-1:${MEMBER}:`)))).toBe(true);
  });

  it('passes the IAM checks of the single-account stack', () => {
    expectIamChecks(app, template);
  });
});

describe('hub and spoke: Hub', () => {
  let app: App;
  let template: Template;
  beforeAll(() => {
    app = newApp();
    const stack = new Stack(app, 'Hub', { env: { account: HUB, region: 'us-east-1' } });
    new EcsTrafficMirrorHub(stack, 'Hub', {
      organizationId: ORG,
      externalId: 'mirror-ext',
      targetId: TARGET,
      filterId: FILTER,
      members: [
        { account: MEMBER, region: 'eu-west-1', targetId: 'tmt-0123456789abcdef1', filterId: 'tmf-0123456789abcdef1' },
        { account: MEMBER, region: 'us-east-1' },
      ],
    });
    template = Template.fromStack(stack);
  }, 120_000);

  it("lets only the organization's accounts put events on its bus", () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'ecs-traffic-mirror-hub' });
    const policies = template.findResources('AWS::Events::EventBusPolicy');
    const statements = Object.values(policies).map((p) => (p as { Properties: { Statement: unknown } }).Properties.Statement);
    expect(statements).toEqual([expect.objectContaining({ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'events:PutEvents', Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG } } })]);
  });

  it('its rule takes task events from its own bus into the queue', () => {
    template.hasResourceProperties('AWS::Events::Rule', { EventBusName: Match.anyValue(), EventPattern: Match.objectLike({ 'detail-type': ['ECS Task State Change'] }) });
  });

  it('its Lambdas may only assume the member role, in the organization, and know the members', () => {
    const granted = allStatements(template).filter((s) => s.Effect === 'Allow' && !s.Action.every((a) => a.startsWith('logs:') || a.startsWith('sqs:')));
    expect(granted.flatMap((s) => s.Action).sort()).toEqual(['sts:AssumeRole', 'sts:AssumeRole']);
    for (const s of granted) expect(s.Resource).toEqual(['arn:aws:iam::*:role/ecs-traffic-mirror-member']);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Record<string, string> } } }[];
    expect(functions).toHaveLength(2);
    for (const fn of functions) {
      const variables = fn.Properties.Environment.Variables;
      expect(variables[HUB_ENV.memberRoleName]).toBe('ecs-traffic-mirror-member');
      expect(variables[HUB_ENV.memberExternalId]).toBe('mirror-ext');
      expect(JSON.parse(variables[HUB_ENV.members] ?? '[]')).toEqual([
        { account: MEMBER, region: 'eu-west-1', targetId: 'tmt-0123456789abcdef1', filterId: 'tmf-0123456789abcdef1' },
        { account: MEMBER, region: 'us-east-1' },
      ]);
    }
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'ecs-traffic-mirror-hub-event' });
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'ecs-traffic-mirror-hub-reconcile' });
    const assume = Object.values(template.findResources('AWS::IAM::Policy'))
      .flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: { Action: unknown; Condition?: unknown }[] } } }).Properties.PolicyDocument.Statement)
      .filter((s) => s.Action === 'sts:AssumeRole');
    for (const s of assume) expect(s.Condition).toEqual({ StringEquals: { 'aws:ResourceOrgID': ORG } });
  });

  it("lets each Lambda spend a member account's whole create refill, the limiter learning its share", () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as { Properties: { Environment: { Variables: Record<string, string> } } }[];
    for (const fn of functions) expect(fn.Properties.Environment.Variables[ENV.createRate]).toBe('5');
  });

  it('passes the IAM checks of the single-account stack', () => {
    expectIamChecks(app, template);
  });

  it('refuses a member list it cannot use', () => {
    const stack = new Stack(new App({ context: cdkJsonContext() }), 'Bad');
    expect(() => new EcsTrafficMirrorHub(stack, 'Hub', { organizationId: ORG, externalId: 'x1', targetId: TARGET, filterId: FILTER, members: [] })).toThrow('members: at least one');
    expect(() => new EcsTrafficMirrorHub(stack, 'Hub2', { organizationId: 'org', externalId: 'x1', targetId: TARGET, filterId: FILTER, members: [{ account: MEMBER, region: 'eu-west-1' }] })).toThrow('organizationId');
  });
});

describe('per account: StackSet and RAM share', () => {
  it('deploys to the OUs with service-managed permissions and automatic deployment; the target is shared in the organization only', () => {
    const app = newApp();
    const stack = new Stack(app, 'Central', { env: { account: HUB, region: 'us-east-1' } });
    new EcsTrafficMirrorTargetShare(stack, 'Share', { targetId: TARGET, principals: [`arn:aws:organizations::${HUB}:organization/${ORG}`] });
    new EcsTrafficMirrorStackSet(stack, 'StackSet', { templateUrl: 'https://s3.amazonaws.com/bucket/mirror.template.json', organizationalUnitIds: ['ou-abcd-12345678'], regions: ['us-east-1', 'eu-west-1'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudFormation::StackSet', {
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: ['ou-abcd-12345678'] }, Regions: ['us-east-1', 'eu-west-1'] }],
      Capabilities: ['CAPABILITY_IAM'],
    });
    template.hasResourceProperties('AWS::RAM::ResourceShare', {
      AllowExternalPrincipals: false,
      ResourceArns: [`arn:aws:ec2:us-east-1:${HUB}:traffic-mirror-target/${TARGET}`],
    });
    expectIamChecks(app, template);
  });

  it("the per-account stack names a shared target in its owner's account", () => {
    const app = newApp();
    const stack = new EcsTrafficMirrorStack(app, 'PerAccount', { env: { account: MEMBER, region: 'eu-west-1' }, mirror: { targetId: TARGET, targetOwnerAccountId: HUB } });
    const template = Template.fromStack(stack);
    const target = allStatements(template).find((s) => s.Resource.some((r) => r.includes('traffic-mirror-target')));
    expect(target?.Resource).toContain(`arn:aws:ec2:eu-west-1:${HUB}:traffic-mirror-target/${TARGET}`);
    expectIamChecks(app, template);
  });
});
