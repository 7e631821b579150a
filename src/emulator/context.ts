import type { InstanceRegistry } from './instances.js';
import type { NetworkRegistry } from './network.js';
import type { EmulatorFaults, EmulatorTiming } from './profile.js';
import type { Random } from './random.js';

export const EMULATOR_ACCOUNT_ID = '123456789012';

/** What every emulated service shares: one account, one Region, one network, one fault setting. */
export interface EmulatorContext {
  readonly region: string;
  readonly accountId: string;
  readonly random: Random;
  readonly network: NetworkRegistry;
  /** EC2 instances (container instances' hosts), shared by EC2 and ECS like the network. */
  readonly instances: InstanceRegistry;
  /** Current faults and timing; replaced (never mutated) when changed at run time. */
  faults(): EmulatorFaults;
  timing(): EmulatorTiming;
  now(): number;
}

/** An AWS error answer: the code AWS uses, its message and its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

/** An EventBridge event from ECS, as AWS delivers it (EventBridge User Guide, event structure). */
export interface EcsEventBridgeEvent<DetailType extends string> {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': DetailType;
  readonly source: 'aws.ecs';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
}

/** An EventBridge "ECS Task State Change" event, as AWS delivers it. */
export type EcsTaskStateChangeEvent = EcsEventBridgeEvent<'ECS Task State Change'>;

/** A delivered event with its position in the emulator's log (for GET /_emulator/events?after=n). */
export interface LoggedEvent {
  readonly sequence: number;
  readonly event: EcsTaskStateChangeEvent;
}

export type EventSubscriber = (event: EcsTaskStateChangeEvent) => void;

/** One emulated AWS service: an operation name and its decoded input in, a plain result out. */
export interface EmulatedService {
  /** Throws ApiError for AWS error answers. */
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/** The ECS emulation also announces task state changes. */
export interface EcsEmulation extends EmulatedService {
  /** Events delivered after the given sequence number, in delivery order. */
  eventsAfter(sequence: number): LoggedEvent[];
  /** Called for every delivered event; returns an unsubscribe function. */
  subscribe(subscriber: EventSubscriber): () => void;
  /** ECS Container Instance State Change events after the given sequence number (their own log). */
  containerInstanceEventsAfter(sequence: number): readonly { readonly sequence: number; readonly event: unknown }[];
}
