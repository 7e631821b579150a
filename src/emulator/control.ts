import { z } from 'zod';
import { PROFILE_NAMES, type EmulatorFaults, type EmulatorTiming, type ProfileName } from './profile.js';

/**
 * The body of POST /_emulator/faults: any fault fields to change, optionally a profile to start
 * from and timing changes. Strict, so a misspelt field is an error rather than silently ignored.
 */
const share = z.number().min(0).max(1);
const bucket = z.strictObject({ capacity: z.number().int().min(0), refillPerSecond: z.number().min(0) });

const controlSchema = z.strictObject({
  profile: z.enum(PROFILE_NAMES as [ProfileName, ...ProfileName[]]).optional(),
  // null turns throttling off (JSON has no undefined).
  ec2Throttling: z
    .strictObject({ mutating: bucket, nonMutating: bucket, createTags: bucket })
    .nullable()
    .optional(),
  lateEniRate: share.optional(),
  lateEniDelayMs: z.number().int().min(0).optional(),
  unsupportedEniRate: share.optional(),
  nonNitroInstanceRate: share.optional(),
  duplicateEventRate: share.optional(),
  reorderEventRate: share.optional(),
  ecsThrottleRate: share.optional(),
  timing: z
    .strictObject({
      announceActivating: z.boolean().optional(),
      stepDelayMs: z.number().int().min(0).optional(),
      schedulerIntervalMs: z.number().int().min(1).optional(),
      imagePullMs: z.strictObject({ min: z.number().int().min(0), max: z.number().int().min(0) }).optional(),
    })
    .optional(),
});

export interface ControlUpdate {
  readonly profile?: ProfileName;
  readonly faults: Partial<EmulatorFaults>;
  readonly timing: Partial<EmulatorTiming>;
}

export type ControlParse = { ok: true; update: ControlUpdate } | { ok: false; message: string };

export function parseControlUpdate(body: unknown): ControlParse {
  const parsed = controlSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: z.prettifyError(parsed.error) };
  const { profile, timing, ec2Throttling, ...rest } = parsed.data;
  const faults: Partial<EmulatorFaults> = { ...dropUndefined(rest) };
  const update = ec2Throttling === undefined ? faults : { ...faults, ec2Throttling: ec2Throttling ?? undefined };
  return { ok: true, update: { profile, faults: update, timing: dropUndefined(timing ?? {}) } };
}

/** Keeps only the fields that were given, so a partial update does not blank the others. */
function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, member]) => member !== undefined)) as Partial<T>;
}
