import { invalidParameter } from '../errors.js';
import { optionalBoolean, optionalEnum, optionalInteger, optionalString, requiredString, type Input } from '../input.js';
import type { EcsRuntime, Operation } from '../runtime.js';

/**
 * ECS account settings (PutAccountSetting, PutAccountSettingDefault, ListAccountSettings). The
 * emulator has one principal, the account's root: a setting for another principal ARN is kept
 * apart but never takes effect (inferred simplification).
 */

/** ECS model, SettingName. */
export const SETTING_NAMES = [
  'serviceLongArnFormat',
  'taskLongArnFormat',
  'containerInstanceLongArnFormat',
  'awsvpcTrunking',
  'containerInsights',
  'fargateFIPSMode',
  'tagResourceAuthorization',
  'fargateTaskRetirementWaitPeriod',
  'guardDutyActivate',
  'defaultLogDriverMode',
  'fargateEventWindows',
] as const;
export type SettingName = (typeof SETTING_NAMES)[number];

/**
 * Defaults of an account that never changed a setting. ECS Developer Guide, "Access Amazon ECS
 * features with account settings": the long ARN formats are on by default since 2021,
 * awsvpcTrunking and Container Insights are off, the Fargate retirement wait period is 7 days.
 * The others' defaults are *inferred*.
 */
const DEFAULTS: Readonly<Record<SettingName, string>> = {
  serviceLongArnFormat: 'enabled',
  taskLongArnFormat: 'enabled',
  containerInstanceLongArnFormat: 'enabled',
  awsvpcTrunking: 'disabled',
  containerInsights: 'disabled',
  fargateFIPSMode: 'disabled',
  tagResourceAuthorization: 'on',
  fargateTaskRetirementWaitPeriod: '7',
  guardDutyActivate: 'off',
  defaultLogDriverMode: 'blocking',
  fargateEventWindows: 'disabled',
};

/** ECS model (PutAccountSetting.value): "Accepted values are enabled, disabled, enhanced, on, and off" (plus 0, 7, 14 for the retirement period). */
const VALUES: Readonly<Partial<Record<SettingName, readonly string[]>>> = {
  awsvpcTrunking: ['enabled', 'disabled'],
  fargateTaskRetirementWaitPeriod: ['0', '7', '14'],
  containerInsights: ['enabled', 'disabled', 'enhanced'],
};
const GENERIC_VALUES = ['enabled', 'disabled', 'enhanced', 'on', 'off', 'blocking', 'non-blocking'];

export class AccountSettings {
  /** principalArn → name → value */
  private readonly set = new Map<string, Map<SettingName, string>>();
  private readonly accountDefaults = new Map<SettingName, string>();

  constructor(readonly rootArn: string) {}

  /** The value in effect for the account's root principal. */
  effective(name: SettingName): string {
    return this.set.get(this.rootArn)?.get(name) ?? this.accountDefaults.get(name) ?? DEFAULTS[name];
  }

  put(principalArn: string, name: SettingName, value: string): void {
    const settings = this.set.get(principalArn) ?? new Map<SettingName, string>();
    settings.set(name, value);
    this.set.set(principalArn, settings);
  }

  putDefault(name: SettingName, value: string): void {
    this.accountDefaults.set(name, value);
  }

  explicit(principalArn: string): [SettingName, string][] {
    return [...(this.set.get(principalArn) ?? [])];
  }
}

function readValue(name: SettingName, input: Input): string {
  const value = requiredString(input, 'value');
  const allowed = VALUES[name] ?? GENERIC_VALUES;
  if (!allowed.includes(value)) throw invalidParameter(`value must be one of ${allowed.join(', ')} for ${name}.`);
  return value;
}

const settingView = (name: SettingName, value: string, principalArn: string) => ({ name, value, principalArn, type: 'user' });

export const putAccountSetting: Operation = (runtime, input) => {
  const name = requiredSetting(input);
  const value = readValue(name, input);
  const principalArn = optionalString(input, 'principalArn') ?? runtime.accountSettings.rootArn;
  runtime.accountSettings.put(principalArn, name, value);
  return { setting: settingView(name, value, principalArn) };
};

export const putAccountSettingDefault: Operation = (runtime, input) => {
  const name = requiredSetting(input);
  const value = readValue(name, input);
  runtime.accountSettings.putDefault(name, value);
  return { setting: settingView(name, value, runtime.accountSettings.rootArn) };
};

/**
 * ECS model (ListAccountSettings.effectiveSettings): "If true, the account settings for the root
 * user or the default setting for the principalArn are returned. If false, the account settings
 * for the principalArn are returned if they're set." maxResults is 1..10 (default 10).
 */
export const listAccountSettings: Operation = (runtime: EcsRuntime, input) => {
  const settings = runtime.accountSettings;
  const name = optionalEnum(input, 'name', SETTING_NAMES);
  const value = optionalString(input, 'value');
  if (value !== undefined && name === undefined) throw invalidParameter('value can be given only with name.');
  const principalArn = optionalString(input, 'principalArn') ?? settings.rootArn;
  const effective = optionalBoolean(input, 'effectiveSettings') ?? false;
  const maxResults = optionalInteger(input, 'maxResults', 1, 10) ?? 10;
  const all: [SettingName, string][] = effective ? SETTING_NAMES.map((n) => [n, settings.effective(n)]) : settings.explicit(principalArn);
  const matching = all.filter(([n, v]) => (name === undefined || n === name) && (value === undefined || v === value));
  const start = readToken(optionalString(input, 'nextToken'));
  const page = matching.slice(start, start + maxResults);
  const next = start + maxResults < matching.length ? Buffer.from(String(start + maxResults)).toString('base64url') : undefined;
  return { settings: page.map(([n, v]) => settingView(n, v, principalArn)), nextToken: next };
};

function requiredSetting(input: Input): SettingName {
  const name = optionalEnum(input, 'name', SETTING_NAMES);
  if (name === undefined) throw invalidParameter('name can not be blank.');
  return name;
}

function readToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const offset = Number(Buffer.from(token, 'base64url').toString('utf8'));
  // inferred: the token is opaque; InvalidParameterException is among the operation's errors.
  if (!Number.isInteger(offset) || offset < 0) throw invalidParameter('Invalid nextToken.');
  return offset;
}
