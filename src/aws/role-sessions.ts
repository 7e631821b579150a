import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { HUB_SESSION_NAME } from '../contract/members.js';
import type { MemberKey } from '../core/member.js';
import type { Clock } from '../ports/index.js';
import { toMirrorError } from './error-mapping.js';

/** Temporary credentials as the SDK takes them (AwsCredentialIdentity, structurally). */
export interface SessionCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: Date;
}

export interface RoleSessionsOptions {
  readonly roleName: string;
  readonly externalId?: string;
  /** The hub's STS client (its own credentials, Region and endpoint). */
  readonly sts: STSClient;
  readonly clock: Clock;
}

/**
 * Credentials are renewed this long before they expire, so that no call starts with credentials
 * that run out while it is retried: the SDK's own credential providers refresh 5 minutes early too.
 */
export const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * The hub's sessions in its members: one AssumeRole per member account, cached until shortly
 * before the credentials expire (a role session is valid in every Region of its account, so
 * the cache is per account). A failed AssumeRole is not cached: the next batch asks again.
 * Failures are MirrorErrors (AccessDenied → unauthorized), never SDK errors.
 */
export class RoleSessions {
  private readonly sessions = new Map<string, Promise<SessionCredentials>>();

  constructor(private readonly options: RoleSessionsOptions) {}

  roleArnOf(member: MemberKey): string {
    return `arn:${partitionOf(member.region)}:iam::${member.accountId}:role/${this.options.roleName}`;
  }

  async credentialsFor(member: MemberKey): Promise<SessionCredentials> {
    const cached = this.sessions.get(member.accountId);
    if (cached) {
      const credentials = await cached.catch(() => undefined);
      if (credentials && credentials.expiration.getTime() - REFRESH_BEFORE_EXPIRY_MS > this.options.clock.now()) return credentials;
      if (this.sessions.get(member.accountId) === cached) this.sessions.delete(member.accountId);
    }
    const pending = this.assume(member);
    this.sessions.set(member.accountId, pending);
    pending.catch(() => {
      if (this.sessions.get(member.accountId) === pending) this.sessions.delete(member.accountId);
    });
    return pending;
  }

  private async assume(member: MemberKey): Promise<SessionCredentials> {
    const roleArn = this.roleArnOf(member);
    try {
      const answer = await this.options.sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: HUB_SESSION_NAME,
          ...(this.options.externalId === undefined ? {} : { ExternalId: this.options.externalId }),
        }),
      );
      const c = answer.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !c.Expiration) throw new Error(`AssumeRole ${roleArn}: the answer holds no credentials`);
      return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    } catch (error) {
      throw toMirrorError(error, `AssumeRole ${roleArn}`);
    }
  }
}

/** The partition of a Region (an ARN names it): China and GovCloud have their own. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}
