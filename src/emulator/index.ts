import { EMULATOR_ACCOUNT_ID, type EmulatorContext } from './context.js';
import type { ControlUpdate } from './control.js';
import { createEc2Emulation, type Ec2Emulation } from './ec2/index.js';
import { createEcsEmulation, type EcsEmulator } from './ecs/index.js';
import { emulatorIam, type DeniedCall, type IamPolicies } from './iam/index.js';
import { InstanceRegistry } from './instances.js';
import { NetworkRegistry } from './network.js';
import { PROFILES, type EmulatorFaults, type EmulatorTiming, type ProfileName } from './profile.js';
import { seededRandom } from './random.js';
import { createEmulatorServer } from './server.js';
import { StatsRecorder, type EmulatorStats } from './stats.js';
import { Ec2Throttle } from './throttle.js';

export type { Ec2Emulation } from './ec2/index.js';
export type { EmulatorStats, ServiceStats } from './stats.js';
export type { DeniedCall, IamPolicies } from './iam/index.js';

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
  const random = seededRandom(options.seed ?? 1);
  const network = new NetworkRegistry(random, region);
  const ctx: EmulatorContext = {
    region,
    accountId: EMULATOR_ACCOUNT_ID,
    random,
    network,
    instances: new InstanceRegistry(random, network),
    faults: () => faults,
    timing: () => timing,
    now: () => Date.now(),
  };
  const ec2 = createEc2Emulation(ctx);
  const ecs = createEcsEmulation(ctx);
  const stats = new StatsRecorder();
  const iam = emulatorIam(ctx, options.iam ?? {}, { ec2, ecs, network, instances: ctx.instances });

  const applyControl = (update: ControlUpdate) => {
    const base = update.profile ? PROFILES[update.profile] : { faults, timing };
    faults = { ...base.faults, ...update.faults };
    timing = { ...base.timing, ...update.timing };
    return { faults, timing };
  };

  const server = createEmulatorServer({
    region,
    accountId: ctx.accountId,
    ec2,
    ecs,
    ec2Throttle: new Ec2Throttle(ctx.faults, ctx.now),
    stats,
    applyControl,
    current: () => ({ faults, timing }),
    authorize: (call) => iam.authorize(call),
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
    ecs.close();
    ec2.close();
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
    iam: { denials: () => iam.denials(), setPolicies: (policies) => iam.setPolicies(policies) },
    close: async () => {
      ecs.close();
      ec2.close();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

export { launchContainerInstances, type LaunchCapacityOptions, type LaunchedContainerInstance } from './capacity.js';
