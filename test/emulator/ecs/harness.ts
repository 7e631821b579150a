import { ApiError, EMULATOR_ACCOUNT_ID, type EcsTaskStateChangeEvent, type EmulatorContext } from '../../../src/emulator/context.js';
import { createEcsEmulation, type EcsEmulator, type EcsEmulatorOptions } from '../../../src/emulator/ecs/index.js';
import { InstanceRegistry } from '../../../src/emulator/instances.js';
import { NetworkRegistry } from '../../../src/emulator/network.js';
import { PROFILES, type EmulatorFaults, type EmulatorTiming } from '../../../src/emulator/profile.js';
import { seededRandom } from '../../../src/emulator/random.js';

/** An in-process ECS emulation on a real context: seeded, fault-free, and fast unless told otherwise. */
export interface Harness {
  readonly ecs: EcsEmulator;
  readonly context: EmulatorContext;
  readonly network: NetworkRegistry;
  readonly subnetIds: string[];
  setFaults(partial: Partial<EmulatorFaults>): void;
  setTiming(partial: Partial<EmulatorTiming>): void;
  /** handle() with the output typed loosely for assertions. */
  call(operation: string, input?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The ApiError a call fails with (fails the test when it succeeds). */
  callError(operation: string, input?: Record<string, unknown>): Promise<ApiError>;
  /** Delivered events of one task, in delivery order. */
  eventsOf(taskArn: string): EcsTaskStateChangeEvent[];
}

export interface HarnessOptions {
  readonly seed?: number;
  readonly faults?: Partial<EmulatorFaults>;
  readonly timing?: Partial<EmulatorTiming>;
  readonly options?: EcsEmulatorOptions;
}

export function createHarness(options: HarnessOptions = {}): Harness {
  const random = seededRandom(options.seed ?? 7);
  const network = new NetworkRegistry(random, 'us-east-1');
  let faults: EmulatorFaults = { ...PROFILES.ideal.faults, ...options.faults };
  let timing: EmulatorTiming = { announceActivating: true, stepDelayMs: 5, schedulerIntervalMs: 10, ...options.timing };
  const context: EmulatorContext = {
    region: 'us-east-1',
    accountId: EMULATOR_ACCOUNT_ID,
    random,
    network,
    instances: new InstanceRegistry(random, network),
    faults: () => faults,
    timing: () => timing,
    now: () => Date.now(),
  };
  const ecs = createEcsEmulation(context, options.options);
  const call = async (operation: string, input: Record<string, unknown> = {}): Promise<Record<string, unknown>> =>
    (await ecs.handle(operation, input)) as Record<string, unknown>;
  return {
    ecs,
    context,
    network,
    subnetIds: [...network.subnets.keys()],
    setFaults: (partial) => {
      faults = { ...faults, ...partial };
    },
    setTiming: (partial) => {
      timing = { ...timing, ...partial };
    },
    call,
    callError: async (operation, input = {}) => {
      try {
        await call(operation, input);
      } catch (error) {
        if (error instanceof ApiError) return error;
        throw error;
      }
      throw new Error(`${operation} succeeded but was expected to fail`);
    },
    eventsOf: (taskArn) => ecs.eventsAfter(0).map((logged) => logged.event).filter((event) => event.resources[0] === taskArn),
  };
}

/** Registers a Fargate (awsvpc) task definition `web` with one container and a tag. */
export async function registerFargateWeb(harness: Harness, family = 'web'): Promise<string> {
  const output = await harness.call('RegisterTaskDefinition', {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:latest', essential: true }],
    tags: [{ key: 'team', value: 'edge' }],
  });
  return field<string>(field<Record<string, unknown>>(output, 'taskDefinition'), 'taskDefinitionArn');
}

export function awsvpc(subnets: string[]): Record<string, unknown> {
  return { awsvpcConfiguration: { subnets, securityGroups: ['sg-0123456789abcdef0'], assignPublicIp: 'DISABLED' } };
}

/** Runs `count` Fargate tasks of `web` in `cluster` and returns their ARNs. */
export async function runFargate(harness: Harness, options: { cluster?: string; count?: number; extra?: Record<string, unknown> } = {}): Promise<string[]> {
  const output = await harness.call('RunTask', {
    cluster: options.cluster ?? 'demo',
    taskDefinition: 'web',
    launchType: 'FARGATE',
    count: options.count ?? 1,
    networkConfiguration: awsvpc(harness.subnetIds.slice(0, 2)),
    ...options.extra,
  });
  return list<Record<string, unknown>>(output, 'tasks').map((task) => field<string>(task, 'taskArn'));
}

/** A member of a loosely typed answer, narrowed for the test (undefined fails loudly). */
export function field<T>(value: unknown, name: string): T {
  if (typeof value !== 'object' || value === null || !(name in value)) {
    throw new Error(`missing member ${name} in ${JSON.stringify(value)}`);
  }
  return (value as Record<string, T>)[name] as T;
}

export function list<T>(value: unknown, name: string): T[] {
  const member = field<unknown>(value, name);
  if (!Array.isArray(member)) throw new Error(`${name} is not a list`);
  return member as T[];
}

export function detailOf(name: string, attachment: unknown): string | undefined {
  return list<{ name: string; value: string }>(attachment, 'details').find((detail) => detail.name === name)?.value;
}
