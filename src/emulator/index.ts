import { EMULATOR_ACCOUNT_ID } from './context.js';
import type { ControlUpdate } from './control.js';
import type { Ec2Emulation } from './ec2/index.js';
import type { EcsEmulator } from './ecs/index.js';
import type { DeniedCall, IamPolicies } from './iam/index.js';
import type { NetworkRegistry } from './network.js';
import { AccountCells, createCell, EmulatedOrganization, type CellSettings, type OrganizationOptions } from './org/index.js';
import { PROFILES, type EmulatorFaults, type EmulatorTiming, type ProfileName } from './profile.js';
import { seededRandom } from './random.js';
import { createEmulatorServer, type CellDeps } from './server.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';

export type { Ec2Emulation } from './ec2/index.js';
export type { EmulatorStats, ServiceStats } from './stats.js';
export type { DeniedCall, IamPolicies } from './iam/index.js';
export type { AccountCell, BusAddress, BusPermission, DeclaredKey, EmulatedOrganizationSpec, EmulatedRole, EmulatedRoles, OrganizationOptions, TargetShare } from './org/index.js';

export interface StartEmulatorOptions {
  /** 0 = a free port; default 4566 (the usual local-AWS port). */
  readonly port?: number;
  readonly host?: string;
  readonly profile?: ProfileName;
  /** Seeds ids and fault injection, so runs are reproducible. */
  readonly seed?: number;
  readonly region?: string;
  /** Applied over the profile's faults. */
  readonly faults?: Partial<EmulatorFaults>;
  /** Applied over the profile's timing. */
  readonly timing?: Partial<EmulatorTiming>;
  /** IAM identity policies per access key id; calls with other keys are allowed everything. */
  readonly iam?: IamPolicies;
  /**
   * Many accounts: keys of other accounts, roles for STS, the organization. Without it every key
   * is the default account's; the Region is always the signed one (default: `region`).
   */
  readonly org?: OrganizationOptions;
}

export interface RunningEmulator {
  /** `http://host:port`: the endpoint for EC2 and ECS alike. */
  readonly url: string;
  readonly region: string;
  readonly accountId: string;
  readonly ec2: Ec2Emulation;
  readonly ecs: EcsEmulator;
  readonly network: NetworkRegistry;
  faults(): EmulatorFaults;
  timing(): EmulatorTiming;
  setFaults(partial: Partial<EmulatorFaults>): void;
  setTiming(partial: Partial<EmulatorTiming>): void;
  /** Replaces faults and timing with a profile's. */
  setProfile(profile: ProfileName): void;
  stats(): EmulatorStats;
  resetStats(): void;
  /** The calls that IAM denied, and the policies per access key (replaceable at run time). */
  readonly iam: { denials(): readonly DeniedCall[]; setPolicies(policies: IamPolicies): void };
  /** Every account × Region (the default one is `ec2`, `ecs`, `network` above), event buses, RAM, STS. */
  readonly org: EmulatedOrganization;
  close(): Promise<void>;
}

/** Starts the local AWS emulator (EC2 traffic mirroring + ECS) on one HTTP port. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const profile = PROFILES[options.profile ?? 'ideal'];
  // Replaced, never mutated: the context hands out the current object (see EmulatorContext).
  let faults: EmulatorFaults = { ...profile.faults, ...options.faults };
  let timing: EmulatorTiming = { ...profile.timing, ...options.timing };
  const seed = options.seed ?? 1;
  let staticPolicies: IamPolicies = options.iam ?? {};
  // The cells read the policies through the organization (role sessions included), which is built on the cells.
  const orgRef: { current?: EmulatedOrganization } = {};
  const settings: CellSettings = {
    faults: () => faults,
    timing: () => timing,
    now: () => Date.now(),
    policies: () => orgRef.current?.policies() ?? staticPolicies,
  };
  const random = seededRandom(seed);
  const defaultCell = createCell(EMULATOR_ACCOUNT_ID, region, random, settings);
  const cells = new AccountCells(defaultCell, seed, settings);
  // Its own random stream, so that issuing keys never shifts the default cell's ids.
  const emulatedOrg = new EmulatedOrganization(cells, options.org ?? {}, () => staticPolicies, options.iam !== undefined, seededRandom(seed ^ 0x5f3759df), settings.now);
  orgRef.current = emulatedOrg;
  const { ec2, ecs, network, context: ctx } = defaultCell;
  const stats = new StatsRecorder();
  const cellDeps = (cell: typeof defaultCell): CellDeps => ({
    ec2: cell.ec2,
    ecs: cell.ecs,
    ec2Throttle: cell.ec2Throttle,
    // Expired session credentials are refused before IAM looks at the call, as AWS refuses them.
    authorize: async (call) => emulatedOrg.expiredCredentials(call.accessKeyId) ?? (await cell.iam.authorize(call)),
  });
  const closeCells = () => {
    for (const cell of cells.all()) {
      cell.ecs.close();
      cell.ec2.close();
    }
  };

  const applyControl = (update: ControlUpdate) => {
    const base = update.profile ? PROFILES[update.profile] : { faults, timing };
    faults = { ...base.faults, ...update.faults };
    timing = { ...base.timing, ...update.timing };
    return { faults, timing };
  };

  const server = createEmulatorServer({
    region,
    accountId: ctx.accountId,
    ...cellDeps(defaultCell),
    stats,
    applyControl,
    current: () => ({ faults, timing }),
    cellFor: (scope) => cellDeps(emulatedOrg.cellFor(scope)),
    cellAt: (accountId, cellRegion) => cellDeps(cells.get(accountId, cellRegion)),
    sts: (input, scope, requestId) => emulatedOrg.sts(input, scope, requestId),
    orgControl: (method, path, body) => emulatedOrg.control(method, path, body),
  });
  // Keep-alive sockets would otherwise hold close() open; SDK clients keep them for a while.
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 4566, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // E.g. the port is taken: stop the ECS timers so the process can still exit.
    closeCells();
    throw error;
  }
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('emulator server has no TCP address');
  const { port } = address;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    region,
    accountId: ctx.accountId,
    ec2,
    ecs,
    network,
    faults: () => faults,
    timing: () => timing,
    setFaults: (partial) => {
      faults = { ...faults, ...partial };
    },
    setTiming: (partial) => {
      timing = { ...timing, ...partial };
    },
    setProfile: (name) => {
      applyControl({ profile: name, faults: {}, timing: {} });
    },
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    iam: {
      denials: () => cells.all().flatMap((cell) => cell.iam.denials()),
      setPolicies: (policies) => {
        staticPolicies = policies;
        cells.refreshPolicies();
      },
    },
    org: emulatedOrg,
    close: async () => {
      closeCells();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

export { launchContainerInstances, type LaunchCapacityOptions, type LaunchedContainerInstance } from './capacity.js';
