import { CreateTrafficMirrorSessionCommand, DescribeSubnetsCommand, DescribeTrafficMirrorTargetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import type { EcsTaskStateChangeEvent } from '../../../src/emulator/context.js';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../../../src/emulator/index.js';
import { expectEc2Error } from '../helpers.js';

const HUB = '111111111111';
const MEMBER = '222222222222';
const OUTSIDER = '333333333333';
const ORG = { id: 'o-abcdef1234', accounts: [HUB, MEMBER] };
const NLB = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/ids/0123456789abcdef';
const KEYS = { AKIAHUBKEY: { accountId: HUB }, AKIAMEMBERKEY: { accountId: MEMBER }, AKIAOUTSIDERKEY: { accountId: OUTSIDER } } as const;

let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  emulator = await startEmulator({ port: 0, org: { accessKeys: KEYS, organization: ORG }, ...options });
  return emulator;
}

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const key = (accessKeyId: string): Credentials => ({ accessKeyId, secretAccessKey: 'x' });
const ec2 = (e: RunningEmulator, credentials: Credentials, region = 'us-east-1') => new EC2Client({ endpoint: e.url, region, credentials, maxAttempts: 1 });
const sts = (e: RunningEmulator, credentials: Credentials) => new STSClient({ endpoint: e.url, region: 'us-east-1', credentials, maxAttempts: 1 });

async function subnetsOf(client: EC2Client): Promise<string[]> {
  const answer = await client.send(new DescribeSubnetsCommand({}));
  return (answer.Subnets ?? []).map((subnet) => `${subnet.SubnetId}@${subnet.AvailabilityZoneId}`);
}

async function stsError(call: Promise<unknown>): Promise<STSServiceException> {
  const error = await call.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(STSServiceException);
  if (!(error instanceof STSServiceException)) throw new Error('unreachable');
  return error;
}

describe('accounts and Regions', () => {
  it('gives each account × Region its own network; an undeclared key stays in the default account', async () => {
    const e = await start();
    const defaultSubnets = [...e.network.subnets.keys()];
    expect((await subnetsOf(ec2(e, key('test')))).map((s) => s.split('@')[0])).toEqual(defaultSubnets);
    const hub = await subnetsOf(ec2(e, key('AKIAHUBKEY')));
    const member = await subnetsOf(ec2(e, key('AKIAMEMBERKEY')));
    const hubWest = await subnetsOf(ec2(e, key('AKIAHUBKEY'), 'eu-west-1'));
    expect(new Set([...hub, ...member, ...hubWest, ...defaultSubnets]).size).toBe(12);
    // AZ ids name the same zones in every account (only the names are shuffled per account).
    expect(hubWest.map((s) => s.split('@')[1]).sort()).toEqual(['euw1-az1', 'euw1-az2', 'euw1-az3']);
    expect(e.org.cells.get(MEMBER, 'us-east-1').network.subnets.size).toBe(3);
  });

  it('throttles each account with its own buckets', async () => {
    const bucket = { capacity: 2, refillPerSecond: 0 };
    const e = await start({ faults: { ec2Throttling: { mutating: bucket, nonMutating: bucket, createTags: bucket } } });
    const hub = ec2(e, key('AKIAHUBKEY'));
    await hub.send(new DescribeSubnetsCommand({}));
    await hub.send(new DescribeSubnetsCommand({}));
    await expectEc2Error(hub.send(new DescribeSubnetsCommand({})), 'RequestLimitExceeded', 503);
    // The member account's bucket, and the hub's bucket in another Region, are untouched.
    await ec2(e, key('AKIAMEMBERKEY')).send(new DescribeSubnetsCommand({}));
    await ec2(e, key('AKIAHUBKEY'), 'eu-west-1').send(new DescribeSubnetsCommand({}));
  });
});

describe('STS AssumeRole', () => {
  const ROLE = `arn:aws:iam::${MEMBER}:role/ecs-traffic-mirror-member`;
  const HUB_ROLE = `arn:aws:iam::${HUB}:role/hub-event`;
  const trust = {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: HUB_ROLE },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG.id, 'sts:ExternalId': 'mirror-ext' } },
      },
    ],
  };
  const withRoles = (policies?: Record<string, unknown>[]): StartEmulatorOptions => ({
    org: {
      accessKeys: { ...KEYS, AKIAHUBROLE: { accountId: HUB, roleArn: HUB_ROLE }, AKIAOUTSIDERROLE: { accountId: OUTSIDER, roleArn: `arn:aws:iam::${OUTSIDER}:role/hub-event` } },
      organization: ORG,
      roles: { [ROLE]: { trustPolicy: trust, ...(policies ? { policies } : {}) } },
    },
  });

  it('without IAM configuration lets anyone assume any role, with credentials of the role account', async () => {
    const e = await start();
    const answer = await sts(e, key('AKIAOUTSIDERKEY')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hub' }));
    expect(answer.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/ecs-traffic-mirror-member/hub`);
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[0-9A-F]{16}$/);
    const lifetime = (answer.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    const credentials = {
      accessKeyId: answer.Credentials?.AccessKeyId ?? '',
      secretAccessKey: answer.Credentials?.SecretAccessKey ?? '',
      sessionToken: answer.Credentials?.SessionToken ?? '',
    };
    const identity = await sts(e, credentials).send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({ Account: MEMBER, Arn: answer.AssumedRoleUser?.Arn });
    // The session's requests land in the role's account.
    expect((await subnetsOf(ec2(e, credentials))).map((s) => s.split('@')[0])).toEqual([...e.org.cells.get(MEMBER, 'us-east-1').network.subnets.keys()]);
  });

  it('validates the request as the model constrains it', async () => {
    const e = await start();
    const error = await stsError(sts(e, key('AKIAHUBKEY')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'has space' })));
    expect(error.name).toBe('ValidationError');
    const duration = await stsError(sts(e, key('AKIAHUBKEY')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ok', DurationSeconds: 600 })));
    expect(duration.name).toBe('ValidationError');
  });

  it('with roles configured, the trust policy decides: principal, organization and external id', async () => {
    const e = await start(withRoles());
    const ok = await sts(e, key('AKIAHUBROLE')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hub', ExternalId: 'mirror-ext' }));
    expect(ok.AssumedRoleUser?.Arn).toContain(MEMBER);
    for (const [caller, externalId] of [
      ['AKIAHUBROLE', 'wrong-ext'],
      ['AKIAHUBROLE', undefined],
      ['AKIAHUBKEY', 'mirror-ext'],
      ['AKIAOUTSIDERROLE', 'mirror-ext'],
    ] as const) {
      const error = await stsError(
        sts(e, key(caller)).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hub', ...(externalId ? { ExternalId: externalId } : {}) })),
      );
      expect(error.name, `${caller} ${externalId}`).toBe('AccessDenied');
      expect(error.$metadata.httpStatusCode).toBe(403);
      expect(error.message).toContain(`sts:AssumeRole on resource: ${ROLE}`);
    }
    const unknown = await stsError(sts(e, key('AKIAHUBROLE')).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/nosuch`, RoleSessionName: 'hub' })));
    expect(unknown.name).toBe('AccessDenied');
  });

  it("evaluates the role's policies for its sessions", async () => {
    const onlyDescribe = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }] };
    const e = await start(withRoles([onlyDescribe]));
    const answer = await sts(e, key('AKIAHUBROLE')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hub', ExternalId: 'mirror-ext' }));
    const session = ec2(e, { accessKeyId: answer.Credentials?.AccessKeyId ?? '', secretAccessKey: 'x', sessionToken: answer.Credentials?.SessionToken ?? '' });
    await session.send(new DescribeSubnetsCommand({}));
    const member = e.org.cells.get(MEMBER, 'us-east-1');
    const eni = member.network.createEni({ subnetId: [...member.network.subnets.keys()][0] ?? '' });
    const { trafficMirrorTarget } = member.ec2.createTarget({ networkLoadBalancerArn: NLB });
    const { trafficMirrorFilter } = member.ec2.createFilter();
    await expectEc2Error(
      session.send(
        new CreateTrafficMirrorSessionCommand({
          NetworkInterfaceId: eni.networkInterfaceId,
          TrafficMirrorTargetId: trafficMirrorTarget.trafficMirrorTargetId,
          TrafficMirrorFilterId: trafficMirrorFilter.trafficMirrorFilterId,
          SessionNumber: 1,
        }),
      ),
      'UnauthorizedOperation',
      403,
    );
  });
});

describe('cross-account event buses', () => {
  it("forwards a member's task events to the hub's bus when the bus lets the organization put events", async () => {
    const e = await start();
    e.org.buses.setPermission({ accountId: HUB, region: 'us-east-1' }, { organizationId: ORG.id });
    const received: EcsTaskStateChangeEvent[] = [];
    e.org.buses.subscribe({ accountId: HUB, region: 'us-east-1' }, (event) => received.push(event));
    e.org.buses.forward({ accountId: MEMBER, region: 'eu-west-1' }, { accountId: HUB, region: 'us-east-1' });
    e.org.buses.forward({ accountId: OUTSIDER, region: 'us-east-1' }, { accountId: HUB, region: 'us-east-1' });
    await runOneTask(e, MEMBER, 'eu-west-1');
    await runOneTask(e, OUTSIDER, 'us-east-1');
    expect(received.length).toBeGreaterThan(0);
    // The event says where it happened: the member's account and Region, not the hub's.
    expect(new Set(received.map((event) => `${event.account}/${event.region}`))).toEqual(new Set([`${MEMBER}/eu-west-1`]));
    expect(e.org.buses.stats().refused).toBeGreaterThan(0);
  });

  it('takes the forwarding and the bus permission through the control endpoint', async () => {
    const e = await start();
    const post = (path: string, body: object) =>
      fetch(`${e.url}/_emulator/org/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect((await post('bus-permission', { accountId: HUB, region: 'us-east-1', accounts: [MEMBER] })).status).toBe(200);
    expect((await post('forward-events', { fromAccountId: MEMBER, fromRegion: 'us-east-1', toAccountId: HUB, toRegion: 'us-east-1' })).status).toBe(200);
    expect((await post('forward-events', { fromAccountId: 'nope' })).status).toBe(400);
    await runOneTask(e, MEMBER, 'us-east-1');
    expect(e.org.buses.received({ accountId: HUB, region: 'us-east-1' }).length).toBeGreaterThan(0);
    const events = (await (await fetch(`${e.url}/_emulator/events?after=0&account=${MEMBER}&region=us-east-1`)).json()) as { events: unknown[] };
    expect(events.events.length).toBeGreaterThan(0);
  });
});

describe('RAM: a shared traffic mirror target', () => {
  it('is described and usable by sessions in the account it is shared with, which own those sessions', async () => {
    const e = await start();
    const owner = e.org.cells.get(HUB, 'us-east-1');
    const targetId = owner.ec2.createTarget({ networkLoadBalancerArn: NLB }).trafficMirrorTarget.trafficMirrorTargetId;
    const member = e.org.cells.get(MEMBER, 'us-east-1');
    const filterId = member.ec2.createFilter().trafficMirrorFilter.trafficMirrorFilterId;
    const eni = member.network.createEni({ subnetId: [...member.network.subnets.keys()][0] ?? '' }).networkInterfaceId;
    const client = ec2(e, key('AKIAMEMBERKEY'));
    const create = () =>
      client.send(new CreateTrafficMirrorSessionCommand({ NetworkInterfaceId: eni, TrafficMirrorTargetId: targetId, TrafficMirrorFilterId: filterId, SessionNumber: 1 }));
    await expectEc2Error(create(), 'InvalidTrafficMirrorTargetId.NotFound');
    const shared = await fetch(`${e.url}/_emulator/org/share-target`, {
      method: 'POST',
      body: JSON.stringify({ ownerAccountId: HUB, region: 'us-east-1', targetId, accountIds: [MEMBER] }),
    });
    expect(shared.status).toBe(200);
    const described = await client.send(new DescribeTrafficMirrorTargetsCommand({ TrafficMirrorTargetIds: [targetId] }));
    expect(described.TrafficMirrorTargets?.[0]?.OwnerId).toBe(HUB);
    const session = await create();
    expect(session.TrafficMirrorSession?.OwnerId).toBe(MEMBER);
    expect(owner.ec2.sessionCount()).toBe(0);
  });
});

async function runOneTask(e: RunningEmulator, accountId: string, region: string): Promise<void> {
  const cell = e.org.cells.get(accountId, region);
  await cell.ecs.handle('CreateCluster', { clusterName: 'apps' });
  await cell.ecs.handle('RegisterTaskDefinition', {
    family: 'web',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'web', image: 'nginx' }],
  });
  const run = (await cell.ecs.handle('RunTask', {
    cluster: 'apps',
    taskDefinition: 'web',
    launchType: 'FARGATE',
    networkConfiguration: { awsvpcConfiguration: { subnets: [[...cell.network.subnets.keys()][0]] } },
  })) as { tasks: { taskArn: string }[] };
  const taskArn = run.tasks[0]?.taskArn ?? '';
  await cell.ecs.waitForTaskStatus(taskArn, 'RUNNING');
}
