import { ApiError } from '../context.js';
import type { PolicyDocument } from '../iam/index.js';
import type { QueryObject } from '../query.js';
import { encodeMembers, escapeXml, type XmlObject } from '../xml.js';
import { expiredTokenOf, parseRoleArn, type Principal, type Principals } from './principals.js';
import { trustAllows, type EmulatedRoles } from './trust.js';

/** STS's query-protocol namespace (botocore's sts/2011-06-15 model, `metadata.xmlNamespace`). */
export const STS_XML_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';

/** The STS operations served; others are answered InvalidAction like EC2's. */
export const STS_ACTIONS = new Set(['AssumeRole', 'GetCallerIdentity']);

export interface StsDeps {
  readonly principals: Principals;
  /** undefined: no IAM configuration, so any caller may assume any role (the emulator's permissive default). */
  readonly roles: EmulatedRoles | undefined;
  /** The identity policies of a key, or undefined when it has none (allowed everything). */
  policiesOf(principal: Principal): readonly PolicyDocument[] | undefined;
  organizationOf(accountId: string): string | undefined;
  now(): number;
  /** A session was issued: the IAM evaluation must learn its key. */
  issued(): void;
}

export interface StsAnswer {
  readonly status: number;
  readonly xml: string;
}

/**
 * AWS STS on the query protocol (botocore sts/2011-06-15: `protocol: query`, results wrapped in
 * `<Op>Response><Op>Result>`, errors in `<ErrorResponse><Error><Type/><Code/><Message/></Error>`
 * with a `RequestId`, as the query protocol's error shape is).
 */
export async function handleSts(deps: StsDeps, input: QueryObject, caller: Principal | undefined, requestId: string): Promise<StsAnswer> {
  const action = typeof input['Action'] === 'string' ? input['Action'] : '';
  try {
    if (caller === undefined) {
      // inferred: an unsigned call to STS is refused with this code, as other query services do.
      throw new ApiError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
    }
    const expired = expiredTokenOf(caller, deps.now());
    if (expired) throw expired;
    if (action === 'GetCallerIdentity') {
      return ok(action, requestId, { UserId: caller.userId, Account: caller.accountId, Arn: caller.arn });
    }
    if (action === 'AssumeRole') return ok(action, requestId, await assumeRole(deps, input, caller));
    throw new ApiError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
  } catch (error) {
    const failure = error instanceof ApiError ? error : new ApiError('InternalFailure', String(error), 500);
    return { status: failure.httpStatus, xml: errorXml(failure, requestId) };
  }
}

async function assumeRole(deps: StsDeps, input: QueryObject, caller: Principal): Promise<XmlObject> {
  const roleArn = required(input, 'RoleArn');
  const sessionName = required(input, 'RoleSessionName');
  const externalId = optional(input, 'ExternalId');
  const durationText = optional(input, 'DurationSeconds');
  // Constraints of AssumeRoleRequest in the model: arnType 20..2048; roleSessionNameType 2..64,
  // [\w+=,.@-]*; externalIdType 2..1224, [\w+=,.@:/-]*; roleDurationSecondsType 900..43200.
  check(roleArn.length >= 20 && roleArn.length <= 2048, roleArn, 'roleArn', 'Member must have length between 20 and 2048');
  check(sessionName.length >= 2 && sessionName.length <= 64, sessionName, 'roleSessionName', 'Member must have length between 2 and 64');
  check(/^[\w+=,.@-]*$/.test(sessionName), sessionName, 'roleSessionName', 'Member must satisfy regular expression pattern: [\\w+=,.@-]*');
  if (externalId !== undefined) {
    check(externalId.length >= 2 && externalId.length <= 1224, externalId, 'externalId', 'Member must have length between 2 and 1224');
    check(/^[\w+=,.@:/-]*$/.test(externalId), externalId, 'externalId', 'Member must satisfy regular expression pattern: [\\w+=,.@:/-]*');
  }
  // Model: "By default, the value is set to 3600 seconds."
  const duration = durationText === undefined ? 3600 : Number(durationText);
  check(Number.isInteger(duration) && duration >= 900 && duration <= 43_200, durationText ?? '', 'durationSeconds', 'Member must have value between 900 and 43200');

  const role = parseRoleArn(roleArn);
  const denied = () =>
    // The answer AWS gives when the trust policy (or the caller's policies) do not allow it:
    // AccessDenied, HTTP 403, "User: <caller> is not authorized to perform: sts:AssumeRole on
    // resource: <role>" (inferred from AWS answers quoted in the field; not in the model).
    new ApiError('AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
  // inferred: a string that is not a role ARN is a validation error, as AWS answers one.
  if (!role) throw new ApiError('ValidationError', `${roleArn} is invalid`, 400);
  if (deps.roles !== undefined) {
    // With IAM configured, a role the emulator does not know does not exist: AWS answers a
    // missing role like an untrusting one, AccessDenied (inferred).
    const known = Object.hasOwn(deps.roles, roleArn) ? deps.roles[roleArn] : undefined;
    if (!known) throw denied();
    const max = known.maxSessionDurationSeconds ?? 3600;
    // Model (DurationSeconds): "If you specify a value higher than this setting … the operation fails."
    if (duration > max) throw new ApiError('ValidationError', `The requested DurationSeconds exceeds the MaxSessionDuration set for this role.`, 400);
    const allowed = await trustAllows({
      roleArn,
      role: known,
      caller,
      callerPolicies: deps.policiesOf(caller),
      externalId,
      sessionName,
      callerOrganizationId: deps.organizationOf(caller.accountId),
    });
    if (!allowed) throw denied();
  }
  const expiresAt = deps.now() + duration * 1000;
  const { principal, credentials } = deps.principals.issue(roleArn, sessionName, expiresAt);
  deps.issued();
  return {
    Credentials: {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
    AssumedRoleUser: { AssumedRoleId: principal.userId, Arn: principal.arn },
    PackedPolicySize: 0,
  };
}

function required(input: QueryObject, name: string): string {
  const value = input[name];
  // inferred: STS reports a missing required member as a validation error naming it.
  if (typeof value !== 'string' || value === '') throw new ApiError('ValidationError', `1 validation error detected: Value null at '${camel(name)}' failed to satisfy constraint: Member must not be null`, 400);
  return value;
}

function optional(input: QueryObject, name: string): string | undefined {
  const value = input[name];
  return typeof value === 'string' ? value : undefined;
}

/** inferred: AWS's wording for a constraint of the model that the value breaks. */
function check(ok: boolean, value: string, member: string, constraint: string): void {
  if (!ok) throw new ApiError('ValidationError', `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`, 400);
}

const camel = (name: string): string => `${name.slice(0, 1).toLowerCase()}${name.slice(1)}`;

function ok(action: string, requestId: string, result: XmlObject): StsAnswer {
  return {
    status: 200,
    xml:
      `${XML_DECLARATION}<${action}Response xmlns="${STS_XML_NAMESPACE}"><${action}Result>${encodeMembers(result)}</${action}Result>` +
      `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function errorXml(error: ApiError, requestId: string): string {
  const type = error.httpStatus >= 500 ? 'Receiver' : 'Sender';
  return (
    `${XML_DECLARATION}<ErrorResponse xmlns="${STS_XML_NAMESPACE}"><Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>`
  );
}
