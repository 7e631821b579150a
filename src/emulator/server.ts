import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ApiError, type EcsEmulation } from './context.js';
import { parseControlUpdate, type ControlUpdate } from './control.js';
import { controlRequestRefusal } from './control-guard.js';
import type { Ec2Emulation } from './ec2/index.js';
import type { EmulatorFaults, EmulatorTiming } from './profile.js';
import type { IamCall } from './iam/index.js';
import { credentialScopeOf, type CredentialScope } from './iam/access-key.js';
import { decodeQuery, type QueryObject } from './query.js';
import type { StatsRecorder } from './stats.js';
import type { Ec2Throttle } from './throttle.js';
import { ec2ErrorXml, ec2ResponseXml } from './xml.js';

/**
 * One HTTP port for everything, as the SDKs, the AWS CLI and boto3 expect of a single endpoint:
 * - `x-amz-target: AmazonEC2ContainerServiceV20141113.<Op>` → ECS (JSON 1.1);
 * - a form body (or query string) with `Action=` → EC2 (query protocol, XML);
 * - `/_emulator/*` → control: events, faults, stats, health.
 * Signatures are not checked; the access key id picks the IAM policies, when any are given.
 */
export interface ServerDeps {
  readonly region: string;
  readonly accountId: string;
  readonly ec2: Ec2Emulation;
  readonly ecs: EcsEmulation;
  readonly ec2Throttle: Ec2Throttle;
  readonly stats: StatsRecorder;
  applyControl(update: ControlUpdate): { faults: EmulatorFaults; timing: EmulatorTiming };
  current(): { faults: EmulatorFaults; timing: EmulatorTiming };
  /** IAM: the error AWS would answer when the caller's policies deny the call (see iam/). */
  authorize?(call: IamCall): Promise<ApiError | undefined>;
  /** Many accounts (org/): the account × Region a request is for, from its signer and credential scope. */
  cellFor?(scope: CredentialScope | undefined): CellDeps;
  /** A cell by name, for the control endpoints' `?account=&region=`. */
  cellAt?(accountId: string, region: string): CellDeps;
  /** STS (query protocol), for requests signed for the `sts` service. */
  sts?(input: QueryObject, scope: CredentialScope | undefined, requestId: string): Promise<{ status: number; xml: string }>;
  /** Control endpoints under /_emulator/org/ (undefined: not one of them). */
  orgControl?(method: string, path: string, body: unknown): { status: number; payload: unknown } | undefined;
}

/** What differs per account × Region. */
export type CellDeps = Pick<ServerDeps, 'ec2' | 'ecs' | 'ec2Throttle' | 'authorize'>;

const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function createEmulatorServer(deps: ServerDeps): Server {
  return createServer((request, response) => {
    route(deps, request, response).catch((error: unknown) => {
      // Last resort: a bug in the emulator must not kill the process or hang the client.
      if (!response.headersSent) sendJson(response, 500, { message: String(error) });
      else response.end();
    });
  });
}

async function route(deps: ServerDeps, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const body = await readBody(request);
  if (body === undefined) {
    sendJson(response, 413, { message: `Request body exceeds ${MAX_BODY_BYTES} bytes.` });
    return;
  }
  if (url.pathname.startsWith('/_emulator/')) {
    const refusal = controlRequestRefusal(request.headers);
    if (refusal !== undefined) return sendJson(response, 403, { message: refusal });
    return control(deps, request.method ?? 'GET', url, body, response);
  }
  const scope = credentialScopeOf(request.headers.authorization, url.searchParams);
  // Every SDK signs STS calls for the service `sts` (botocore's model: signingName from endpointPrefix).
  if (scope?.service === 'sts' && deps.sts) {
    const requestId = randomUUID();
    // Not counted in the stats, which are EC2's and ECS's requests (what the benchmarks measure).
    const answer = await deps.sts(queryInput(url, request, body), scope, requestId);
    return sendXml(response, answer.status, answer.xml, requestId);
  }
  const served = deps.cellFor ? { ...deps, ...deps.cellFor(scope) } : deps;
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string' && target !== '') return ecs(served, target, body, response, scope?.accessKeyId);
  return ec2(served, url, request, body, response, scope?.accessKeyId);
}

/** A query-protocol request's parameters: the query string first, then the form body. */
function queryInput(url: URL, request: IncomingMessage, body: string): QueryObject {
  const contentType = request.headers['content-type'] ?? '';
  // Lenient about the content type (fetch sends text/plain by default): any non-JSON body is a form.
  const formBody = request.method === 'POST' && !contentType.includes('json');
  // Query-string parameters first, then the form body (the SDKs use the body; curl users may not).
  return decodeQuery([...url.searchParams, ...(formBody ? new URLSearchParams(body) : [])]);
}

// ---- ECS (JSON 1.1) ----------------------------------------------------------------------------

async function ecs(deps: ServerDeps, target: string, body: string, response: ServerResponse, accessKeyId: string | undefined): Promise<void> {
  const requestId = randomUUID();
  const operation = target.startsWith(ECS_TARGET_PREFIX) ? target.slice(ECS_TARGET_PREFIX.length) : target;
  const fail = (error: ApiError): void => {
    deps.stats.record('ecs', operation, error.code === 'ThrottlingException', error.code);
    sendAwsJson(response, error.httpStatus, { __type: error.code, message: error.message }, requestId, error.code);
  };
  if (!target.startsWith(ECS_TARGET_PREFIX)) {
    fail(new ApiError('UnknownOperationException', `Unknown target '${target}'.`));
    return;
  }
  let input: unknown;
  try {
    input = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    fail(new ApiError('SerializationException', 'The request body is not valid JSON.'));
    return;
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    fail(new ApiError('SerializationException', 'The request body must be a JSON object.'));
    return;
  }
  const denied = await deps.authorize?.({ service: 'ecs', operation, input: { ...input }, accessKeyId });
  if (denied) {
    fail(denied);
    return;
  }
  try {
    const output = await deps.ecs.handle(operation, { ...input });
    deps.stats.record('ecs', operation, false);
    sendAwsJson(response, 200, output ?? {}, requestId);
  } catch (error) {
    fail(error instanceof ApiError ? error : new ApiError('ServerException', String(error), 500));
  }
}

function sendAwsJson(response: ServerResponse, status: number, payload: unknown, requestId: string, errorType?: string): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': requestId,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(text);
}

// ---- EC2 (query protocol, XML) -----------------------------------------------------------------

async function ec2(
  deps: ServerDeps,
  url: URL,
  request: IncomingMessage,
  body: string,
  response: ServerResponse,
  accessKeyId: string | undefined,
): Promise<void> {
  const requestId = randomUUID();
  const input = queryInput(url, request, body);
  const action = typeof input['Action'] === 'string' ? input['Action'] : '';
  const fail = (error: ApiError, throttled = false): void => {
    if (action !== '') deps.stats.record('ec2', action, throttled, error.code);
    sendXml(response, error.httpStatus, ec2ErrorXml(error.code, error.message, requestId), requestId);
  };
  if (action === '') {
    fail(new ApiError('MissingAction', 'The request must contain the parameter Action.'));
    return;
  }
  if (!deps.ec2.supports(action)) {
    fail(new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`));
    return;
  }
  if (!deps.ec2Throttle.admit(action)) {
    fail(new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503), true);
    return;
  }
  const denied = await deps.authorize?.({ service: 'ec2', operation: action, input, accessKeyId });
  if (denied) {
    fail(denied);
    return;
  }
  try {
    const output = await deps.ec2.handle(action, input);
    deps.stats.record('ec2', action, false);
    sendXml(response, 200, ec2ResponseXml(action, requestId, output), requestId);
  } catch (error) {
    fail(error instanceof ApiError ? error : new ApiError('InternalError', String(error), 500));
  }
}

function sendXml(response: ServerResponse, status: number, xml: string, requestId: string): void {
  response.writeHead(status, {
    'content-type': 'text/xml;charset=UTF-8',
    'content-length': Buffer.byteLength(xml),
    'x-amzn-requestid': requestId,
  });
  response.end(xml);
}

// ---- control -----------------------------------------------------------------------------------

function control(deps: ServerDeps, method: string, url: URL, body: string, response: ServerResponse): void {
  const path = url.pathname;
  if (method === 'GET' && path === '/_emulator/health') {
    sendJson(response, 200, { status: 'ok', region: deps.region, accountId: deps.accountId });
  } else if (method === 'GET' && path === '/_emulator/events') {
    const after = Number(url.searchParams.get('after') ?? '0');
    if (!Number.isInteger(after)) {
      sendJson(response, 400, { message: "'after' must be an integer sequence number." });
      return;
    }
    const account = url.searchParams.get('account');
    const cell = account !== null && deps.cellAt ? deps.cellAt(account, url.searchParams.get('region') ?? deps.region) : deps;
    sendJson(response, 200, { events: cell.ecs.eventsAfter(after) });
  } else if (method === 'GET' && path === '/_emulator/container-instance-events') {
    const after = Number(url.searchParams.get('after') ?? '0');
    if (!Number.isInteger(after)) {
      sendJson(response, 400, { message: "'after' must be an integer sequence number." });
      return;
    }
    sendJson(response, 200, { events: deps.ecs.containerInstanceEventsAfter(after) });
  } else if (method === 'GET' && path === '/_emulator/stats') {
    sendJson(response, 200, deps.stats.snapshot());
  } else if (method === 'DELETE' && path === '/_emulator/stats') {
    deps.stats.reset();
    sendJson(response, 200, deps.stats.snapshot());
  } else if (method === 'GET' && path === '/_emulator/faults') {
    sendJson(response, 200, deps.current());
  } else if (method === 'POST' && path === '/_emulator/faults') {
    const parsedBody = jsonBodyOf(body, response);
    if (parsedBody === NOT_JSON) return;
    const parsed = parseControlUpdate(parsedBody);
    if (!parsed.ok) sendJson(response, 400, { message: parsed.message });
    else sendJson(response, 200, deps.applyControl(parsed.update));
  } else if (path.startsWith('/_emulator/org/') && deps.orgControl) {
    const parsedBody = jsonBodyOf(body, response);
    if (parsedBody === NOT_JSON) return;
    const answer = deps.orgControl(method, path, parsedBody);
    if (answer) sendJson(response, answer.status, answer.payload);
    else sendJson(response, 404, { message: `No emulator endpoint ${method} ${path}.` });
  } else {
    sendJson(response, 404, { message: `No emulator endpoint ${method} ${path}.` });
  }
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/** The whole body as text, or undefined when it is larger than MAX_BODY_BYTES. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const NOT_JSON = Symbol('not JSON');

/** A control request's body: `{}` when empty; a 400 answered (and NOT_JSON returned) when it is not JSON. */
function jsonBodyOf(body: string, response: ServerResponse): unknown {
  try {
    return body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    sendJson(response, 400, { message: 'The body must be JSON.' });
    return NOT_JSON;
  }
}
