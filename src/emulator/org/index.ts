import { z } from 'zod';
import type { IamPolicies, PolicyDocument } from '../iam/index.js';
import type { CredentialScope } from '../iam/access-key.js';
import type { QueryObject } from '../query.js';
import type { Random } from '../random.js';
import type { AccountCell, AccountCells } from './cells.js';
import { EventBuses } from './event-buses.js';
import type { ApiError } from '../context.js';
import { expiredTokenOf, Principals, type DeclaredKey, type Principal } from './principals.js';
import { shareTarget } from './sharing.js';
import { handleSts, type StsAnswer } from './sts.js';
import type { EmulatedRoles } from './trust.js';

export { AccountCells, createCell, type AccountCell, type CellSettings } from './cells.js';
export type { BusAddress, BusPermission, ForwardingStats } from './event-buses.js';
export { EventBuses } from './event-buses.js';
export type { DeclaredKey, Principal } from './principals.js';
export type { TargetShare } from './sharing.js';
export { STS_ACTIONS } from './sts.js';
export type { EmulatedRole, EmulatedRoles } from './trust.js';

/** An AWS Organization, as far as the emulator needs one: its id and member accounts. */
export interface EmulatedOrganizationSpec {
  /** `o-` and 10 to 32 lowercase letters or digits (Organizations API reference, Organization.Id). */
  readonly id: string;
  readonly accounts: readonly string[];
}

/** The many-account part of the emulator's options. */
export interface OrganizationOptions {
  /** Access keys that belong to other accounts than the default one (or stand for a role's session). */
  readonly accessKeys?: Readonly<Record<string, DeclaredKey>>;
  /** Roles STS may hand out sessions of; their trust policies decide who may. */
  readonly roles?: EmulatedRoles;
  readonly organization?: EmulatedOrganizationSpec;
}

/**
 * Many accounts and Regions in one emulator: the access key of a request decides its account
 * (a key nobody declared is the default account's, as before), the Region of its SigV4 credential
 * scope decides the Region, and each account × Region is a cell of its own (cells.ts). STS hands
 * out role sessions (sts.ts), event buses forward task events between accounts (event-buses.ts),
 * RAM shares targets (sharing.ts).
 */
export class EmulatedOrganization {
  readonly principals: Principals;
  readonly buses: EventBuses;
  /** undefined: no IAM configured, so STS lets any caller assume any role. */
  private roles: EmulatedRoles | undefined;

  constructor(
    readonly cells: AccountCells,
    private readonly options: OrganizationOptions,
    private readonly staticPolicies: () => IamPolicies,
    iamConfigured: boolean,
    random: Random,
    private readonly now: () => number,
  ) {
    this.principals = new Principals(cells.defaultCell.accountId, options.accessKeys ?? {}, random);
    this.roles = options.roles ?? (iamConfigured ? {} : undefined);
    this.buses = new EventBuses(cells, (accountId) => this.organizationOf(accountId));
  }

  /** The cell a signed request is for: the signer's account, the credential scope's Region. */
  cellFor(scope: CredentialScope | undefined): AccountCell {
    const principal = this.principals.of(scope?.accessKeyId);
    const accountId = principal?.accountId ?? this.cells.defaultCell.accountId;
    return this.cells.get(accountId, scope?.region ?? this.cells.defaultCell.region);
  }

  /** The refusal of a call signed with role-session credentials that have expired; undefined otherwise. */
  expiredCredentials(accessKeyId: string | undefined): ApiError | undefined {
    return expiredTokenOf(this.principals.of(accessKeyId), this.now());
  }

  /**
   * Replaces the roles (as IamAuthorizer.setPolicies replaces keys' policies): a deployment's role
   * policies name ids — the shared target, the member's filter — that exist only once the world
   * is built. Sessions already issued take their role's new policies at once: "the permissions
   * assigned to temporary security credentials are evaluated each time a request is made that
   * uses the credentials" (IAM User Guide, "Permissions for temporary security credentials").
   */
  setRoles(roles: EmulatedRoles): void {
    this.roles = roles;
    this.cells.refreshPolicies();
  }

  organizationOf(accountId: string): string | undefined {
    return this.options.organization?.accounts.includes(accountId) ? this.options.organization.id : undefined;
  }

  /**
   * Identity policies per access key: the configured ones, and for each role session the policies
   * of its role (a session may do what its role may: IAM User Guide, "Roles terms and concepts").
   */
  policies(): IamPolicies {
    const sessions: Record<string, readonly PolicyDocument[]> = {};
    for (const session of this.principals.sessions()) {
      const role = session.roleArn === undefined || this.roles === undefined ? undefined : this.roles[session.roleArn];
      if (role?.policies) sessions[session.accessKeyId] = role.policies;
    }
    return { ...this.staticPolicies(), ...sessions };
  }

  sts(input: QueryObject, scope: CredentialScope | undefined, requestId: string): Promise<StsAnswer> {
    return handleSts(
      {
        principals: this.principals,
        roles: this.roles,
        policiesOf: (principal: Principal) => {
          const policies = this.policies();
          return Object.hasOwn(policies, principal.accessKeyId) ? policies[principal.accessKeyId] : undefined;
        },
        organizationOf: (accountId) => this.organizationOf(accountId),
        now: this.now,
        issued: () => this.cells.refreshPolicies(),
      },
      input,
      this.principals.of(scope?.accessKeyId),
      requestId,
    );
  }

  /** Control endpoints under /_emulator/org/: undefined when the path is not one of them. */
  control(method: string, path: string, body: unknown): { status: number; payload: unknown } | undefined {
    const schema = CONTROL[`${method} ${path}`];
    if (!schema) return undefined;
    const parsed = schema.safeParse(body);
    if (!parsed.success) return { status: 400, payload: { message: z.prettifyError(parsed.error) } };
    try {
      this.apply(parsed.data);
      return { status: 200, payload: { ok: true } };
    } catch (error) {
      return { status: 400, payload: { message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private apply(request: ControlRequest): void {
    if (request.kind === 'forward') {
      this.buses.forward({ accountId: request.fromAccountId, region: request.fromRegion }, { accountId: request.toAccountId, region: request.toRegion });
    } else if (request.kind === 'bus-permission') {
      this.buses.setPermission(
        { accountId: request.accountId, region: request.region },
        { ...(request.accounts ? { accounts: request.accounts } : {}), ...(request.organizationId ? { organizationId: request.organizationId } : {}) },
      );
    } else {
      shareTarget(this.cells, request);
    }
  }
}

const account = z.string().regex(/^\d{12}$/);
const region = z.string().min(1);
const CONTROL: Record<string, z.ZodType<ControlRequest>> = {
  'POST /_emulator/org/forward-events': z
    .strictObject({ fromAccountId: account, fromRegion: region, toAccountId: account, toRegion: region })
    .transform((value) => ({ kind: 'forward' as const, ...value })),
  'POST /_emulator/org/bus-permission': z
    .strictObject({ accountId: account, region, accounts: z.array(account).optional(), organizationId: z.string().optional() })
    .transform((value) => ({ kind: 'bus-permission' as const, ...value })),
  'POST /_emulator/org/share-target': z
    .strictObject({ ownerAccountId: account, region, targetId: z.string(), accountIds: z.array(account) })
    .transform((value) => ({ kind: 'share' as const, ...value })),
};

type ControlRequest =
  | { kind: 'forward'; fromAccountId: string; fromRegion: string; toAccountId: string; toRegion: string }
  | { kind: 'bus-permission'; accountId: string; region: string; accounts?: string[] | undefined; organizationId?: string | undefined }
  | { kind: 'share'; ownerAccountId: string; region: string; targetId: string; accountIds: string[] };
