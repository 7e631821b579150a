import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fault-injecting HTTP proxy between the product and the emulator: the faults that the
 * emulator's own profiles never produce (empty 200s, ECS `failures: MISSING`, lost responses,
 * resets, hangs, truncated or garbled bodies, 5xx HTML pages), aimed at one operation at a time.
 * The product is pointed at `endpoint` instead of the emulator; everything unmatched passes through.
 */
export type Fault =
  /** 200 with `{}` (ECS) or an empty `<…Response/>` (EC2): a body that parses but says nothing. */
  | { readonly kind: 'empty-200' }
  /** ECS DescribeTasks: the named share of the answered tasks moved to `failures: [{reason: "MISSING"}]`. */
  | { readonly kind: 'missing'; readonly share: number }
  /** ECS list calls: the first page comes back short and with no nextToken. */
  | { readonly kind: 'short-page'; readonly keep: number }
  /** The request reaches the emulator (so it takes effect) but the connection is reset before any answer. */
  | { readonly kind: 'lose-response' }
  /** The connection is reset before the request is forwarded. */
  | { readonly kind: 'reset' }
  /** The connection is accepted and never answered. */
  | { readonly kind: 'hang' }
  /** A 5xx with an HTML body, as a load balancer in front of an endpoint answers. */
  | { readonly kind: 'status'; readonly status: number; readonly body?: string }
  /** The emulator's answer cut to this many bytes (Content-Length adjusted). */
  | { readonly kind: 'truncate'; readonly bytes: number }
  /** The emulator's answer replaced by bytes that are neither JSON nor XML. */
  | { readonly kind: 'garble' }
  /** Any other rewrite of the emulator's JSON/XML answer body. */
  | { readonly kind: 'rewrite'; readonly rewrite: (body: string) => string };

export interface FaultRule {
  /** `ecs:DescribeTasks`, `ec2:CreateTrafficMirrorSession`, or `*`. */
  readonly operation: string;
  readonly fault: Fault;
  /** How many matching requests get the fault (default: every one). */
  readonly times?: number;
  /** Matching requests to let through untouched before the fault starts (default 0). */
  readonly after?: number;
  /** Only requests whose body passes this test match (e.g. ListTasks with desiredStatus STOPPED). */
  readonly when?: (requestBody: string) => boolean;
}

export interface FaultProxy {
  readonly endpoint: string;
  /** Replaces the rules; counters start again. */
  setRules(rules: readonly FaultRule[]): void;
  /** How many times each rule's fault was applied, in rule order. */
  applied(): number[];
  /** Operations seen, in order (`ecs:ListTasks`, `ec2:DescribeTrafficMirrorSessions`, …). */
  seen(): string[];
  close(): Promise<void>;
}

interface ActiveRule {
  readonly rule: FaultRule;
  matched: number;
  applied: number;
}

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const target = new URL(upstream);
  let rules: ActiveRule[] = [];
  const seen: string[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readAll(req);
    const operation = operationOf(req, body);
    seen.push(operation);
    const active = rules.find(
      (r) => (r.rule.operation === '*' || r.rule.operation === operation) && (r.rule.when?.(body.toString('utf8')) ?? true) && fires(r),
    );
    const fault = active?.rule.fault;
    if (active) active.applied++;

    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      const html = fault.body ?? `<html><body><h1>${fault.status} Bad Gateway</h1></body></html>`;
      res.writeHead(fault.status, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(html) });
      return void res.end(html);
    }

    const answer = await forward(target, req, body);
    if (fault?.kind === 'lose-response') return void req.socket.destroy();
    let text = answer.body.toString('utf8');
    const ecs = operation.startsWith('ecs:');
    if (fault?.kind === 'empty-200') text = ecs ? '{}' : emptyEc2Response(operation);
    else if (fault?.kind === 'missing') text = withMissing(text, fault.share);
    else if (fault?.kind === 'short-page') text = shortPage(text, fault.keep);
    else if (fault?.kind === 'truncate') text = text.slice(0, fault.bytes);
    else if (fault?.kind === 'garble') text = '\u0000\u001b[2J garbled \r\n\u0007';
    else if (fault?.kind === 'rewrite') text = fault.rewrite(text);
    const status = fault?.kind === 'empty-200' ? 200 : answer.status;
    const headers: Record<string, string> = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
    delete headers['transfer-encoding'];
    res.writeHead(status, headers);
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setRules(next) {
      rules = next.map((rule) => ({ rule, matched: 0, applied: 0 }));
    },
    applied: () => rules.map((r) => r.applied),
    seen: () => [...seen],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function fires(active: ActiveRule): boolean {
  active.matched++;
  if (active.matched <= (active.rule.after ?? 0)) return false;
  return active.rule.times === undefined || active.applied < active.rule.times;
}

function operationOf(req: IncomingMessage, body: Buffer): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return `ecs:${target.slice(target.lastIndexOf('.') + 1)}`;
  const url = new URL(req.url ?? '/', 'http://proxy');
  const action = url.searchParams.get('Action') ?? new URLSearchParams(body.toString('utf8')).get('Action');
  return action ? `ec2:${action}` : `other:${url.pathname}`;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

function forward(target: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (response) => {
        readAll(response).then((buffer) => {
          const flat: Record<string, string> = {};
          for (const [key, value] of Object.entries(response.headers)) if (value !== undefined) flat[key] = Array.isArray(value) ? value.join(', ') : value;
          resolve({ status: response.statusCode ?? 502, headers: flat, body: buffer });
        }, reject);
      },
    );
    upstream.on('error', reject);
    upstream.end(body);
  });
}

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function emptyEc2Response(operation: string): string {
  const action = operation.slice('ec2:'.length);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>00000000-0000-0000-0000-000000000000</requestId></${action}Response>`;
}

interface DescribeTasksAnswer {
  tasks?: { taskArn?: string }[];
  failures?: { arn?: string; reason?: string }[];
}

/** Moves the last `share` of the described tasks into `failures` with reason MISSING, as ECS answers for tasks it cannot find. */
function withMissing(text: string, share: number): string {
  const answer = JSON.parse(text) as DescribeTasksAnswer;
  const tasks = answer.tasks ?? [];
  const keep = Math.max(0, tasks.length - Math.ceil(tasks.length * share));
  const missing = tasks.slice(keep).map((task) => ({ arn: task.taskArn, reason: 'MISSING' }));
  return JSON.stringify({ ...answer, tasks: tasks.slice(0, keep), failures: [...(answer.failures ?? []), ...missing] });
}

/** Keeps the first `keep` entries of the page's list and drops the nextToken. */
function shortPage(text: string, keep: number): string {
  const answer = JSON.parse(text) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(answer)) {
    if (key === 'nextToken') continue;
    out[key] = Array.isArray(value) ? value.slice(0, keep) : value;
  }
  return JSON.stringify(out);
}
