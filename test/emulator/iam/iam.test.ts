import {
  CreateTagsCommand,
  CreateTrafficMirrorSessionCommand,
  DeleteTrafficMirrorSessionCommand,
  DescribeInstancesCommand,
  DescribeTrafficMirrorSessionsCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListAccountSettingsCommand,
  ListContainerInstancesCommand,
  ListTasksCommand,
  PutAccountSettingCommand,
  RegisterContainerInstanceCommand,
  TagResourceCommand,
} from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { ECS_OPERATIONS } from '../../../src/emulator/ecs/index.js';
import { EC2_AUTHORIZATIONS, ECS_AUTHORIZATIONS, parseIamPolicies, type IamPolicies } from '../../../src/emulator/iam/index.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

const ACCOUNT = 'arn:aws:ec2:us-east-1:123456789012';
const MANAGED = { Key: 'ecs-traffic-mirror:managed', Value: 'true' };

let emulator: RunningEmulator;
const clients: { destroy(): void }[] = [];

async function start(iam: IamPolicies): Promise<RunningEmulator> {
  emulator = await startEmulator({ port: 0, iam });
  return emulator;
}

function ec2As(accessKeyId: string): EC2Client {
  const client = new EC2Client({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

function ecsAs(accessKeyId: string): ECSClient {
  const client = new ECSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 1 });
  clients.push(client);
  return client;
}

let nlbs = 0;

function sessionInputs() {
  const [subnetId = ''] = emulator.network.subnets.keys();
  const eni = emulator.network.createEni({ subnetId });
  // EC2 allows one traffic mirror target per NLB: each call gets an NLB of its own.
  const nlbArn = `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/x${++nlbs}/0123456789abcdef`;
  const targetId = emulator.ec2.createTarget({ networkLoadBalancerArn: nlbArn }).trafficMirrorTarget.trafficMirrorTargetId;
  const filterId = emulator.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
  return { eni, targetId, filterId, input: { NetworkInterfaceId: eni.networkInterfaceId, TrafficMirrorTargetId: targetId, TrafficMirrorFilterId: filterId, SessionNumber: 1 } };
}

const allow = (Action: string | string[], Resource: string | string[], Condition?: Record<string, unknown>) => ({
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});
/** The error a call failed with (caught at once, so no rejection is left unhandled). */
const failure = (call: Promise<unknown>): Promise<unknown> => call.then(() => undefined, (error: unknown) => error);
const policy = (...Statement: unknown[]) => ({ Version: '2012-10-17', Statement });

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await emulator.close();
});

describe('emulator IAM', () => {
  it('allows everything to an access key without policies, and denies an EC2 call the way EC2 does', async () => {
    // prepare
    await start({ limited: [policy(allow('ec2:DescribeTrafficMirrorTargets', '*'))] });
    // act
    const open = await ec2As('anyone').send(new DescribeTrafficMirrorSessionsCommand({}));
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=limited/20260101/us-east-1/ec2/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: 'Action=DescribeTrafficMirrorSessions&Version=2016-11-15',
    });
    // assess
    expect(open.TrafficMirrorSessions).toEqual([]);
    expect(response.status).toBe(403);
    const xml = await response.text();
    expect(xml).toContain('<Code>UnauthorizedOperation</Code>');
    expect(xml).toContain('You are not authorized to perform this operation.');
    expect(emulator.iam.denials()).toEqual([
      expect.objectContaining({ accessKeyId: 'limited', action: 'ec2:DescribeTrafficMirrorSessions', resource: '*' }),
    ]);
  });

  it('authorizes CreateTrafficMirrorSession on the ENI, target, filter and new session, and its tags with ec2:CreateTags', async () => {
    // prepare
    const createOnly = policy(
      allow('ec2:CreateTrafficMirrorSession', [`${ACCOUNT}:network-interface/*`, `${ACCOUNT}:traffic-mirror-target/*`, `${ACCOUNT}:traffic-mirror-filter/*`]),
      allow('ec2:CreateTrafficMirrorSession', `${ACCOUNT}:traffic-mirror-session/*`, { StringEquals: { 'aws:RequestTag/ecs-traffic-mirror:managed': 'true' } }),
    );
    const withTagging = policy(...createOnly.Statement, allow('ec2:CreateTags', `${ACCOUNT}:traffic-mirror-session/*`, { StringEquals: { 'ec2:CreateAction': 'CreateTrafficMirrorSession' } }));
    await start({ createOnly: [createOnly], withTagging: [withTagging] });
    const { input } = sessionInputs();
    const tagged = { ...input, TagSpecifications: [{ ResourceType: 'traffic-mirror-session' as const, Tags: [MANAGED] }] };
    // act
    const untagged = await failure(ec2As('withTagging').send(new CreateTrafficMirrorSessionCommand(input)));
    const noCreateTags = await failure(ec2As('createOnly').send(new CreateTrafficMirrorSessionCommand(tagged)));
    const created = await ec2As('withTagging').send(new CreateTrafficMirrorSessionCommand(tagged));
    // assess
    expect(untagged).toMatchObject({ name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect(noCreateTags).toMatchObject({ name: 'UnauthorizedOperation' });
    expect(created.TrafficMirrorSession?.TrafficMirrorSessionId).toMatch(/^tms-/);
    expect(emulator.iam.denials().map((denial) => [denial.accessKeyId, denial.action, denial.resource])).toEqual([
      ['withTagging', 'ec2:CreateTrafficMirrorSession', `${ACCOUNT}:traffic-mirror-session/new`],
      ['createOnly', 'ec2:CreateTags', `${ACCOUNT}:traffic-mirror-session/new`],
    ]);
  });

  it('passes the source ENI subnet as ec2:Subnet', async () => {
    // prepare
    await start({});
    const { eni, input } = sessionInputs();
    const otherSubnet = [...emulator.network.subnets.keys()].find((id) => id !== eni.subnetId) ?? '';
    const inSubnet = (subnetId: string) =>
      policy(
        allow('ec2:CreateTrafficMirrorSession', `${ACCOUNT}:network-interface/*`, { ArnEquals: { 'ec2:Subnet': `${ACCOUNT}:subnet/${subnetId}` } }),
        allow('ec2:CreateTrafficMirrorSession', [`${ACCOUNT}:traffic-mirror-target/*`, `${ACCOUNT}:traffic-mirror-filter/*`, `${ACCOUNT}:traffic-mirror-session/*`]),
      );
    emulator.iam.setPolicies({ here: [inSubnet(eni.subnetId)], elsewhere: [inSubnet(otherSubnet)] });
    // act
    const denied = await failure(ec2As('elsewhere').send(new CreateTrafficMirrorSessionCommand(input)));
    // assess
    expect(denied).toMatchObject({ name: 'UnauthorizedOperation' });
    expect(emulator.ec2.sessionCount()).toBe(0);
    await expect(ec2As('here').send(new CreateTrafficMirrorSessionCommand(input))).resolves.toBeDefined();
  });

  it('deletes only sessions whose tags the policy names (aws:ResourceTag)', async () => {
    // prepare
    await start({ deleter: [policy(allow('ec2:DeleteTrafficMirrorSession', `${ACCOUNT}:traffic-mirror-session/*`, { StringEquals: { 'aws:ResourceTag/ecs-traffic-mirror:managed': 'true' } }))] });
    const first = sessionInputs();
    const second = sessionInputs();
    const ours = emulator.ec2.createSession({ ...lower(first.input), tags: { [MANAGED.Key]: MANAGED.Value } }).trafficMirrorSession.trafficMirrorSessionId;
    const foreign = emulator.ec2.createSession(lower(second.input)).trafficMirrorSession.trafficMirrorSessionId;
    // act
    const deniedDelete = await failure(ec2As('deleter').send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: foreign })));
    await ec2As('deleter').send(new DeleteTrafficMirrorSessionCommand({ TrafficMirrorSessionId: ours }));
    // assess
    expect(deniedDelete).toMatchObject({ name: 'UnauthorizedOperation' });
    expect(emulator.ec2.describeSessions().items.map((session) => session.trafficMirrorSessionId)).toEqual([foreign]);
  });

  it('denies ECS calls with AccessDeniedException (HTTP 400) and scopes tasks by ecs:cluster', async () => {
    // prepare
    const apps = 'arn:aws:ecs:us-east-1:123456789012:cluster/apps';
    await start({
      reader: [
        policy(
          allow(['ecs:ListTasks', 'ecs:DescribeTasks'], '*', { ArnEquals: { 'ecs:cluster': apps } }),
          allow('ecs:TagResource', 'arn:aws:ecs:us-east-1:123456789012:task/apps/*', { 'ForAllValues:StringLike': { 'aws:TagKeys': ['ecs-traffic-mirror:*'] } }),
        ),
      ],
    });
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'apps' }));
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'other' }));
    const reader = ecsAs('reader');
    // act
    const listed = await reader.send(new ListTasksCommand({ cluster: 'apps' }));
    const described = await reader.send(new DescribeTasksCommand({ cluster: 'apps', tasks: ['0123456789abcdef0123456789abcdef'] }));
    const otherCluster = await failure(reader.send(new ListTasksCommand({ cluster: 'other' })));
    const foreignTag = await failure(reader.send(new TagResourceCommand({ resourceArn: 'arn:aws:ecs:us-east-1:123456789012:task/apps/0123456789abcdef0123456789abcdef', tags: [{ key: 'owner', value: 'x' }] })));
    // assess
    expect(listed.taskArns).toEqual([]);
    expect(described.failures).toHaveLength(1);
    expect(otherCluster).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect(foreignTag).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('reads aws:ResourceTag of clusters too (not only of tasks), as ListTagsForResource shows them', async () => {
    // prepare
    await start({ reader: [policy(allow('ecs:DescribeClusters', '*', { StringEquals: { 'aws:ResourceTag/team': 'security' } }))] });
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'tagged', tags: [{ key: 'team', value: 'security' }] }));
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'untagged' }));
    const reader = ecsAs('reader');
    // act
    const tagged = await reader.send(new DescribeClustersCommand({ clusters: ['tagged'] }));
    const untagged = await failure(reader.send(new DescribeClustersCommand({ clusters: ['untagged'] })));
    // assess
    expect(tagged.clusters?.map((c) => c.clusterName)).toEqual(['tagged']);
    expect(untagged).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('reads the tags an ENI already has for CreateTags (aws:ResourceTag)', async () => {
    // prepare
    await start({ tagger: [policy(allow('ec2:CreateTags', `${ACCOUNT}:network-interface/*`, { StringEquals: { 'aws:ResourceTag/owner': 'us' } }))] });
    const [subnetId = ''] = emulator.network.subnets.keys();
    const ours = emulator.network.createEni({ subnetId });
    const theirs = emulator.network.createEni({ subnetId });
    await ec2As('admin').send(new CreateTagsCommand({ Resources: [ours.networkInterfaceId], Tags: [{ Key: 'owner', Value: 'us' }] }));
    const tagger = ec2As('tagger');
    // act
    await tagger.send(new CreateTagsCommand({ Resources: [ours.networkInterfaceId], Tags: [{ Key: 'k', Value: 'v' }] }));
    const other = await failure(tagger.send(new CreateTagsCommand({ Resources: [theirs.networkInterfaceId], Tags: [{ Key: 'k', Value: 'v' }] })));
    // assess
    expect(other).toMatchObject({ name: 'UnauthorizedOperation' });
  });

  it('evaluates old-format task ARNs (task/<id>), which the reference does not model, against the policy', async () => {
    // prepare
    await start({ reader: [policy(allow('ecs:DescribeTasks', 'arn:aws:ecs:us-east-1:123456789012:task/*'))], none: [policy(allow('ecs:ListClusters', '*'))] });
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'apps' }));
    const oldArn = 'arn:aws:ecs:us-east-1:123456789012:task/0123456789abcdef0123456789abcdef';
    // act
    const described = await ecsAs('reader').send(new DescribeTasksCommand({ cluster: 'apps', tasks: [oldArn] }));
    const denied = await failure(ecsAs('none').send(new DescribeTasksCommand({ cluster: 'apps', tasks: [oldArn] })));
    // assess
    expect(described.failures).toHaveLength(1);
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
  });

  it('maps every ECS operation and every EC2 action the emulator serves, and nothing else', async () => {
    await start({});
    expect(Object.keys(ECS_AUTHORIZATIONS).sort()).toEqual([...ECS_OPERATIONS].sort());
    expect(Object.keys(EC2_AUTHORIZATIONS).filter((action) => !emulator.ec2.supports(action))).toEqual([]);
    expect(emulator.ec2.actions().filter((action) => !Object.hasOwn(EC2_AUTHORIZATIONS, action))).toEqual([]);
  });

  it('authorizes RunInstances by instance type and TerminateInstances by the instance, as the reference defines them', async () => {
    // prepare
    const [subnetId = ''] = (await start({})).network.subnets.keys();
    const launcher = policy(
      allow('ec2:RunInstances', `${ACCOUNT}:instance/*`, { StringEquals: { 'ec2:InstanceType': 'c5.large' } }),
      allow('ec2:RunInstances', [
        'arn:aws:ec2:us-east-1::image/*',
        `${ACCOUNT}:network-interface/*`,
        `${ACCOUNT}:subnet/*`,
        `${ACCOUNT}:volume/*`,
      ]),
      allow('ec2:DescribeInstances', '*'),
      allow('ec2:TerminateInstances', `${ACCOUNT}:instance/*`, { StringEquals: { 'ec2:InstanceType': 'c5.large' } }),
    );
    emulator.iam.setPolicies({ launcher: [launcher] });
    const launch = (type: 'c5.large' | 'm5.large') =>
      ec2As('launcher').send(new RunInstancesCommand({ ImageId: 'ami-1', InstanceType: type, MinCount: 1, MaxCount: 1, SubnetId: subnetId }));
    // act
    const launched = await launch('c5.large');
    const denied = await failure(launch('m5.large'));
    const id = launched.Instances?.[0]?.InstanceId ?? '';
    const other = (await ec2As('admin').send(new RunInstancesCommand({ ImageId: 'ami-1', InstanceType: 'm5.large', MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
    const deniedTerminate = await failure(ec2As('launcher').send(new TerminateInstancesCommand({ InstanceIds: [other] })));
    await ec2As('launcher').send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    // assess
    expect(denied).toMatchObject({ name: 'UnauthorizedOperation' });
    expect(deniedTerminate).toMatchObject({ name: 'UnauthorizedOperation' });
    const described = await ec2As('launcher').send(new DescribeInstancesCommand({ InstanceIds: [id, other] }));
    expect(described.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name)).toEqual([expect.stringMatching(/^(shutting-down|terminated)$/), expect.stringMatching(/^(pending|running)$/)]);
  });

  it('authorizes the container instance and account setting operations on their clusters, instances and settings', async () => {
    // prepare
    await start({});
    const clusterArn = 'arn:aws:ecs:us-east-1:123456789012:cluster/apps';
    emulator.iam.setPolicies({
      agent: [
        policy(
          allow(['ecs:RegisterContainerInstance', 'ecs:DeregisterContainerInstance', 'ecs:ListContainerInstances'], clusterArn),
          allow(['ecs:DescribeContainerInstances', 'ecs:ListTasks'], 'arn:aws:ecs:us-east-1:123456789012:container-instance/apps/*', { ArnEquals: { 'ecs:cluster': clusterArn } }),
          allow('ecs:PutAccountSetting', '*', { StringEquals: { 'ecs:account-setting': 'awsvpcTrunking' } }),
          allow('ecs:ListAccountSettings', '*'),
        ),
      ],
    });
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'apps' }));
    await ecsAs('admin').send(new CreateClusterCommand({ clusterName: 'other' }));
    const instance = (await ec2As('admin').send(new RunInstancesCommand({ ImageId: 'ami-1', InstanceType: 'c5.large', MinCount: 1, MaxCount: 1 }))).Instances?.[0];
    const document = JSON.stringify({ instanceId: instance?.InstanceId, region: 'us-east-1' });
    const register = (cluster: string) =>
      ecsAs('agent').send(new RegisterContainerInstanceCommand({ cluster, instanceIdentityDocument: document, instanceIdentityDocumentSignature: 's' }));
    // act
    const deniedElsewhere = await failure(register('other'));
    const registered = await register('apps');
    const arn = registered.containerInstance?.containerInstanceArn ?? '';
    const described = await ecsAs('agent').send(new DescribeContainerInstancesCommand({ cluster: 'apps', containerInstances: [arn] }));
    const listed = await ecsAs('agent').send(new ListContainerInstancesCommand({ cluster: 'apps' }));
    await ecsAs('agent').send(new PutAccountSettingCommand({ name: 'awsvpcTrunking', value: 'enabled' }));
    const deniedSetting = await failure(ecsAs('agent').send(new PutAccountSettingCommand({ name: 'containerInsights', value: 'enabled' })));
    const settings = await ecsAs('agent').send(new ListAccountSettingsCommand({}));
    const tasksOnIt = await ecsAs('agent').send(new ListTasksCommand({ cluster: 'apps', containerInstance: arn }));
    await ecsAs('agent').send(new DeregisterContainerInstanceCommand({ cluster: 'apps', containerInstance: arn }));
    // assess
    expect(deniedElsewhere).toMatchObject({ name: 'AccessDeniedException' });
    expect(described.containerInstances).toHaveLength(1);
    expect(listed.containerInstanceArns).toEqual([arn]);
    expect(tasksOnIt.taskArns).toEqual([]);
    expect(deniedSetting).toMatchObject({ name: 'AccessDeniedException' });
    expect(settings.settings?.map((setting) => setting.name)).toEqual(['awsvpcTrunking']);
  });

  it('reads the --iam file format: one document or a list per access key', async () => {
    await start({});
    const document = policy(allow('ec2:Describe*', '*'));
    expect(parseIamPolicies({ a: document, b: [document, document] })).toEqual({ a: [document], b: [document, document] });
    expect(() => parseIamPolicies({ a: 'not a policy' })).toThrow(/access key id/);
  });
});

function lower(input: { NetworkInterfaceId: string; TrafficMirrorTargetId: string; TrafficMirrorFilterId: string; SessionNumber: number }) {
  return {
    networkInterfaceId: input.NetworkInterfaceId,
    trafficMirrorTargetId: input.TrafficMirrorTargetId,
    trafficMirrorFilterId: input.TrafficMirrorFilterId,
    sessionNumber: input.SessionNumber,
  };
}
