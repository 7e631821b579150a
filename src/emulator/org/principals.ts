import { ApiError } from '../context.js';
import type { Random } from '../random.js';

/** Who signs with an access key: the account it belongs to and the principal's ARN. */
export interface Principal {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** `arn:aws:iam::<account>:user/<name>`, or `arn:aws:sts::<account>:assumed-role/<role>/<session>` for a role session. */
  readonly arn: string;
  /** The role a session belongs to (its policies are the role's). */
  readonly roleArn?: string;
  /** STS's `AssumedRoleId` (`<role id>:<session name>`) or the user's id, for GetCallerIdentity. */
  readonly userId: string;
  /** Epoch ms at which temporary credentials expire. */
  readonly expiresAt?: number;
}

/** A key declared in the emulator's options: its account, and optionally the role it is a session of. */
export interface DeclaredKey {
  readonly accountId: string;
  /** A role ARN (`arn:aws:iam::<account>:role/<name>`): the key stands for a session of that role, as a Lambda's credentials do. */
  readonly roleArn?: string;
}

export interface IssuedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** The account and name of a role ARN, or undefined when it is not one. */
export function parseRoleArn(arn: string): { partition: string; accountId: string; roleName: string } | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition = 'aws', accountId = '', roleName = ''] = match;
  return { partition, accountId, roleName };
}

export function assumedRoleArn(roleArn: string, sessionName: string): string {
  const role = parseRoleArn(roleArn);
  if (!role) throw new Error(`not a role ARN: ${roleArn}`);
  return `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
}

/**
 * Access key → principal. A key nobody declared belongs to the default account, as every key did
 * before the emulator knew more than one account; keys that STS issued belong to the role's.
 */
export class Principals {
  private readonly keys = new Map<string, Principal>();

  constructor(
    private readonly defaultAccountId: string,
    declared: Readonly<Record<string, DeclaredKey>>,
    private readonly random: Random,
  ) {
    for (const [accessKeyId, key] of Object.entries(declared)) {
      this.keys.set(
        accessKeyId,
        key.roleArn === undefined
          ? userPrincipal(accessKeyId, key.accountId)
          : { accessKeyId, accountId: key.accountId, arn: assumedRoleArn(key.roleArn, 'emulator'), roleArn: key.roleArn, userId: `${roleIdOf(key.roleArn)}:emulator` },
      );
    }
  }

  of(accessKeyId: string | undefined): Principal | undefined {
    if (accessKeyId === undefined) return undefined;
    return this.keys.get(accessKeyId) ?? userPrincipal(accessKeyId, this.defaultAccountId);
  }

  /** The keys that stand for role sessions, with their roles. */
  sessions(): Principal[] {
    return [...this.keys.values()].filter((principal) => principal.roleArn !== undefined);
  }

  /**
   * Temporary credentials for a role session. IAM User Guide, "Unique identifier prefixes": `ASIA`
   * starts the key id of temporary credentials (AWS STS), `AKIA` that of long-term access keys.
   */
  issue(roleArn: string, sessionName: string, expiresAt: number): { principal: Principal; credentials: IssuedCredentials } {
    const role = parseRoleArn(roleArn);
    if (!role) throw new Error(`not a role ARN: ${roleArn}`);
    const accessKeyId = `ASIA${this.random.hex(16).toUpperCase()}`;
    const principal: Principal = {
      accessKeyId,
      accountId: role.accountId,
      arn: assumedRoleArn(roleArn, sessionName),
      roleArn,
      userId: `${roleIdOf(roleArn)}:${sessionName}`,
      expiresAt,
    };
    this.keys.set(accessKeyId, principal);
    // Never checked: signatures are not verified. Random, so that nothing can rely on their form.
    return { principal, credentials: { accessKeyId, secretAccessKey: this.random.hex(40), sessionToken: `emulator/${this.random.hex(64)}` } };
  }
}

/**
 * The refusal of a call signed with temporary credentials past their expiration: `ExpiredToken`,
 * HTTP 403, "The security token included in the request is expired" (AWS Knowledge Center, "How
 * do I resolve the error 'The security token included in the request is expired'"). The page shows
 * it for a query-protocol service; that EC2 and ECS answer the same code is *inferred*.
 */
export function expiredTokenOf(principal: Principal | undefined, now: number): ApiError | undefined {
  if (principal?.expiresAt === undefined || principal.expiresAt > now) return undefined;
  return new ApiError('ExpiredToken', 'The security token included in the request is expired', 403);
}

function userPrincipal(accessKeyId: string, accountId: string): Principal {
  return { accessKeyId, accountId, arn: `arn:aws:iam::${accountId}:user/${accessKeyId}`, userId: `AIDA${accessKeyId}` };
}

/**
 * A role's unique id (`AROA…`, IAM User Guide "Unique identifier prefixes"), derived from its ARN
 * so that it is stable for the run: AWS's is random, and nothing may rely on it.
 */
function roleIdOf(roleArn: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < roleArn.length; i++) hash = Math.imul(hash ^ roleArn.charCodeAt(i), 0x01000193);
  return `AROA${(hash >>> 0).toString(16).toUpperCase().padStart(8, '0')}EMULATOR`;
}
