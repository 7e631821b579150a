/**
 * Fault and timing settings of the emulator. A profile is a named preset; every field can be
 * changed at run time through POST /_emulator/faults or the in-process API.
 */
export interface TokenBucketSpec {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export interface EmulatorFaults {
  /** EC2's per-account token buckets; undefined = no throttling. */
  readonly ec2Throttling?: {
    readonly mutating: TokenBucketSpec;
    readonly nonMutating: TokenBucketSpec;
    readonly createTags: TokenBucketSpec;
  };
  /** Share of new ENIs that EC2 reports as InvalidNetworkInterfaceID.NotFound for a while after ECS says ATTACHED. */
  readonly lateEniRate: number;
  /** How long such an ENI stays invisible to EC2, in ms. */
  readonly lateEniDelayMs: number;
  /** Share of ENIs on hosts that do not support mirroring (NetworkInterfaceNotSupported). */
  readonly unsupportedEniRate: number;
  /**
   * Share of RunInstances launches that land on a host that cannot mirror (as a Xen type does),
   * whatever the instance type: the realistic fleet has old capacity in it.
   */
  readonly nonNitroInstanceRate: number;
  /** Share of events delivered twice. */
  readonly duplicateEventRate: number;
  /** Share of events delivered after the next one of the same task. */
  readonly reorderEventRate: number;
  /** Share of ECS calls answered with ThrottlingException. */
  readonly ecsThrottleRate: number;
}

export interface EmulatorTiming {
  /** Whether the ACTIVATING state is announced by an event (real Fargate often skips it). */
  readonly announceActivating: boolean;
  /** Delay between lifecycle steps of a task, in ms. */
  readonly stepDelayMs: number;
  /** How often the service scheduler checks desiredCount, in ms. */
  readonly schedulerIntervalMs: number;
  /**
   * Time spent in PENDING (the image pull), uniform in [min, max] ms per task, drawn from the
   * task id (not from the shared random stream, so setting it changes no other draw); unset = stepDelayMs.
   */
  readonly imagePullMs?: { readonly min: number; readonly max: number };
}

export interface EmulatorProfile {
  readonly name: ProfileName;
  readonly faults: EmulatorFaults;
  readonly timing: EmulatorTiming;
}

export type ProfileName = 'ideal' | 'realistic' | 'hostile';
export const PROFILE_NAMES: readonly ProfileName[] = ['ideal', 'realistic', 'hostile'];

/** The sizes AWS documents for EC2 API request throttling (per account and Region). */
export const AWS_EC2_BUCKETS = {
  mutating: { capacity: 50, refillPerSecond: 5 },
  nonMutating: { capacity: 100, refillPerSecond: 20 },
  createTags: { capacity: 100, refillPerSecond: 10 },
} as const;

const NO_FAULTS: EmulatorFaults = {
  lateEniRate: 0,
  lateEniDelayMs: 0,
  unsupportedEniRate: 0,
  nonNitroInstanceRate: 0,
  duplicateEventRate: 0,
  reorderEventRate: 0,
  ecsThrottleRate: 0,
};

export const PROFILES: Readonly<Record<ProfileName, EmulatorProfile>> = {
  ideal: {
    name: 'ideal',
    faults: NO_FAULTS,
    timing: { announceActivating: true, stepDelayMs: 50, schedulerIntervalMs: 100 },
  },
  realistic: {
    name: 'realistic',
    faults: {
      ec2Throttling: AWS_EC2_BUCKETS,
      lateEniRate: 0.1,
      lateEniDelayMs: 1_500,
      unsupportedEniRate: 0.05,
      nonNitroInstanceRate: 0.2,
      duplicateEventRate: 0.05,
      reorderEventRate: 0.05,
      ecsThrottleRate: 0,
    },
    timing: { announceActivating: false, stepDelayMs: 400, schedulerIntervalMs: 500 },
  },
  hostile: {
    name: 'hostile',
    faults: {
      ec2Throttling: AWS_EC2_BUCKETS,
      lateEniRate: 0.4,
      lateEniDelayMs: 4_000,
      unsupportedEniRate: 0.15,
      nonNitroInstanceRate: 0.4,
      duplicateEventRate: 0.3,
      reorderEventRate: 0.3,
      ecsThrottleRate: 0.05,
    },
    timing: { announceActivating: false, stepDelayMs: 400, schedulerIntervalMs: 500 },
  },
};
