import { ECSClient } from '@aws-sdk/client-ecs';
import { CreateTrafficMirrorFilterCommand, EC2Client } from '@aws-sdk/client-ec2';
import { memberKeyText, type MemberKey } from '../core/member.js';
import { DEFAULT_MEMBER_ROLE_NAME, HUB_ENV } from '../contract/members.js';
import { startEmulator, type RunningEmulator, type StartEmulatorOptions } from '../emulator/index.js';
import type { EmulatedRoles } from '../emulator/org/index.js';
import { createCluster, createMirrorTargetAndFilter, registerFargateTaskDefinition, runFargateTasks, type EmulatorClients } from './world.js';

/** The hub account, its organization and the access key of its Lambdas' role (a session of that role). */
export const HUB_ACCOUNT = '111111111111';
export const ORGANIZATION_ID = 'o-exampleorg1';
export const HUB_REGION = 'us-east-1';
export const HUB_ROLE_ARN = `arn:aws:iam::${HUB_ACCOUNT}:role/ecs-traffic-mirror-hub-event`;
export const HUB_ACCESS_KEY = 'AKIAHUBFUNCTIONROLE';
export const EXTERNAL_ID = 'ecs-traffic-mirror-example';

export interface OrgWorldOptions {
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
  /** Members whose role trusts another external id than the hub's: the hub cannot assume it. */
  readonly untrusting?: readonly string[];
  readonly emulator?: Omit<StartEmulatorOptions, 'port' | 'org'>;
}

export interface OrgWorld {
  readonly emulator: RunningEmulator;
  readonly members: readonly MemberKey[];
  /** Per member: the target shared with it (the hub's, in the member's Region) and its own filter. */
  readonly mirror: ReadonlyMap<string, { readonly targetId: string; readonly filterId: string; readonly subnets: readonly string[] }>;
  /** The hub's variables: MIRROR_* of the hub's own Region, role name, external id, registry. */
  readonly env: Record<string, string>;
  /** Hub credentials, as its Lambda has them. */
  readonly hubCredentials: { accessKeyId: string; secretAccessKey: string };
  /** SDK clients in a member account (its own key, as an operator there). */
  clientsOf(member: MemberKey): EmulatorClients;
  runTasks(member: MemberKey, count: number): Promise<string[]>;
  close(): Promise<void>;
}

const memberKey = (accountId: string): string => `AKIAMEMBER${accountId}`;

/**
 * An organization in one emulator, built over the SDK as its owners would: the hub owns a
 * target per Region and shares it with every member (RAM); each member has its own filter, a
 * cluster and a Fargate task definition, a role the hub may assume (trusting only the hub's
 * Lambda role, in the organization, with the external id) and a rule forwarding its task events
 * to the hub's bus, which lets the organization put events.
 */
export async function startOrgWorld(options: OrgWorldOptions): Promise<OrgWorld> {
  const untrusting = new Set(options.untrusting ?? []);
  const roles: EmulatedRoles = Object.fromEntries(
    options.accounts.map((accountId) => [
      `arn:aws:iam::${accountId}:role/${DEFAULT_MEMBER_ROLE_NAME}`,
      {
        trustPolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: HUB_ROLE_ARN },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:PrincipalOrgID': ORGANIZATION_ID, 'sts:ExternalId': untrusting.has(accountId) ? 'another-external-id' : EXTERNAL_ID } },
            },
          ],
        },
      },
    ]),
  );
  const emulator = await startEmulator({
    port: 0,
    ...options.emulator,
    org: {
      accessKeys: {
        [HUB_ACCESS_KEY]: { accountId: HUB_ACCOUNT, roleArn: HUB_ROLE_ARN },
        ...Object.fromEntries(options.accounts.map((accountId) => [memberKey(accountId), { accountId }])),
      },
      roles,
      organization: { id: ORGANIZATION_ID, accounts: [HUB_ACCOUNT, ...options.accounts] },
    },
  });
  const clients: EmulatorClients[] = [];
  const clientsFor = (accessKeyId: string, region: string): EmulatorClients => {
    const config = { endpoint: emulator.url, region, credentials: { accessKeyId, secretAccessKey: 'x' }, maxAttempts: 3 };
    const made = { ec2: new EC2Client(config), ecs: new ECSClient(config) };
    clients.push(made);
    return made;
  };
  const hubBus = { accountId: HUB_ACCOUNT, region: HUB_REGION };
  emulator.org.buses.setPermission(hubBus, { organizationId: ORGANIZATION_ID });

  const members: MemberKey[] = options.accounts.flatMap((accountId) => options.regions.map((region) => ({ accountId, region })));
  const targets = new Map<string, string>();
  for (const [index, region] of options.regions.entries()) {
    const hub = clientsFor(HUB_ACCESS_KEY, region);
    const { targetId } = await createMirrorTargetAndFilter(hub, `arn:aws:elasticloadbalancing:${region}:${HUB_ACCOUNT}:loadbalancer/net/ids/${(index + 1).toString(16).padStart(16, '0')}`);
    targets.set(region, targetId);
    emulator.org.control('POST', '/_emulator/org/share-target', { ownerAccountId: HUB_ACCOUNT, region, targetId, accountIds: [...options.accounts] });
  }
  const mirror = new Map<string, { targetId: string; filterId: string; subnets: string[] }>();
  const memberClients = new Map<string, EmulatorClients>();
  for (const member of members) {
    const own = clientsFor(memberKey(member.accountId), member.region);
    memberClients.set(memberKeyText(member), own);
    const filterId = (await own.ec2.send(new CreateTrafficMirrorFilterCommand({ Description: 'all TCP and UDP' }))).TrafficMirrorFilter?.TrafficMirrorFilterId ?? '';
    await createCluster(own, 'apps');
    await registerFargateTaskDefinition(own, 'web', 'nginx');
    const subnets = [...emulator.org.cells.get(member.accountId, member.region).network.subnets.keys()];
    mirror.set(memberKeyText(member), { targetId: targets.get(member.region) ?? '', filterId, subnets });
    emulator.org.buses.forward(member, hubBus);
  }
  const hubMirror = { targetId: targets.get(HUB_REGION) ?? targets.values().next().value ?? '', filterId: mirror.values().next().value?.filterId ?? '' };
  const env = {
    MIRROR_TARGET_ID: hubMirror.targetId,
    MIRROR_FILTER_ID: hubMirror.filterId,
    [HUB_ENV.memberRoleName]: DEFAULT_MEMBER_ROLE_NAME,
    [HUB_ENV.memberExternalId]: EXTERNAL_ID,
    [HUB_ENV.members]: JSON.stringify(
      members.map((member) => {
        const own = mirror.get(memberKeyText(member));
        return { account: member.accountId, region: member.region, targetId: own?.targetId, filterId: own?.filterId };
      }),
    ),
  };
  return {
    emulator,
    members,
    mirror,
    env,
    hubCredentials: { accessKeyId: HUB_ACCESS_KEY, secretAccessKey: 'x' },
    clientsOf: (member) => memberClients.get(memberKeyText(member)) ?? clientsFor(memberKey(member.accountId), member.region),
    runTasks: (member, count) => {
      const own = memberClients.get(memberKeyText(member));
      const subnets = mirror.get(memberKeyText(member))?.subnets ?? [];
      if (!own) throw new Error(`not a member: ${memberKeyText(member)}`);
      return runFargateTasks(own, 'apps', 'web', count, [...subnets]);
    },
    close: async () => {
      for (const made of clients) {
        made.ec2.destroy();
        made.ecs.destroy();
      }
      await emulator.close();
    },
  };
}
