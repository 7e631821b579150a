import { DescribeTrafficMirrorSessionsCommand, DescribeVpcsCommand, CreateTrafficMirrorFilterCommand } from '@aws-sdk/client-ec2';
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isLoopbackAddress } from '../../src/emulator/control-guard.js';
import { expectEc2Error, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${h.emulator.url}${path}`, { method: 'POST', body, headers });
}

describe('EC2 wire protocol', () => {
  it('answers XML in the EC2 namespace with a request id', async () => {
    const response = await post('/', 'Action=DescribeVpcs&Version=2016-11-15', {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    const text = await response.text();
    expect(text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<DescribeVpcsResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><vpcSet><item>/);
  });

  it('answers InvalidAction for an unknown action and MissingAction without one', async () => {
    const unknown = await post('/', 'Action=LaunchRockets&Version=2016-11-15');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('<Response><Errors><Error><Code>InvalidAction</Code>');
    const missing = await post('/', 'Version=2016-11-15');
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('<Code>MissingAction</Code>');
  });

  it('decodes flattened list parameters sent by hand', async () => {
    const eni = h.eni().networkInterfaceId;
    h.emulator.ec2.createSession({
      networkInterfaceId: eni,
      trafficMirrorTargetId: h.nlbTargetId(),
      trafficMirrorFilterId: h.filterId(),
      sessionNumber: 3,
    });
    const body = new URLSearchParams({
      Action: 'DescribeTrafficMirrorSessions',
      'Filter.1.Name': 'network-interface-id',
      'Filter.1.Value.1': 'eni-00000000000000000',
      'Filter.1.Value.2': eni,
    }).toString();
    const text = await (await post('/', body)).text();
    expect(text).toContain(`<networkInterfaceId>${eni}</networkInterfaceId>`);
    expect(text).toContain('<sessionNumber>3</sessionNumber>');
  });
});

describe('ECS routing', () => {
  it('routes x-amz-target to ECS and answers JSON errors', async () => {
    const headers = { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.NoSuchOperation', 'content-type': 'application/x-amz-json-1.1' };
    const response = await post('/', '{}', headers);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    const body: unknown = await response.json();
    expect(body).toEqual(expect.objectContaining({ __type: expect.any(String), message: expect.any(String) }));

    const bad = await post('/', '{not json', headers);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual(expect.objectContaining({ __type: 'SerializationException' }));
    expect(h.emulator.stats().ecs.requests['NoSuchOperation']).toBe(2);
  });
});

describe('throttling', () => {
  it('answers RequestLimitExceeded (503) once a tiny bucket is empty, and counts it', async () => {
    h.emulator.setFaults({
      ec2Throttling: {
        mutating: { capacity: 2, refillPerSecond: 0 },
        nonMutating: { capacity: 3, refillPerSecond: 0 },
        createTags: { capacity: 1, refillPerSecond: 0 },
      },
    });
    h.emulator.resetStats();
    for (let i = 0; i < 3; i += 1) await h.ec2.send(new DescribeVpcsCommand({}));
    const error = await expectEc2Error(h.ec2.send(new DescribeVpcsCommand({})), 'RequestLimitExceeded', 503);
    expect(error.message).toBe('Request limit exceeded.');
    // One bucket per action (EC2 request throttling page): another describe still passes,
    // and so do mutating calls.
    await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    await h.ec2.send(new CreateTrafficMirrorFilterCommand({}));
    await h.ec2.send(new CreateTrafficMirrorFilterCommand({}));
    await expectEc2Error(h.ec2.send(new CreateTrafficMirrorFilterCommand({})), 'RequestLimitExceeded', 503);

    const stats = h.emulator.stats();
    expect(stats.ec2.requests).toEqual({ DescribeVpcs: 4, DescribeTrafficMirrorSessions: 1, CreateTrafficMirrorFilter: 3 });
    expect(stats.ec2.throttled).toEqual({ DescribeVpcs: 1, CreateTrafficMirrorFilter: 1 });
    expect(stats.ec2.throttledTotal).toBe(2);
    expect(stats.total).toBe(8);

    // Turning throttling off takes effect at once.
    h.emulator.setFaults({ ec2Throttling: undefined });
    await h.ec2.send(new DescribeVpcsCommand({}));
  });

  it('refills with real time', async () => {
    h.emulator.setFaults({
      ec2Throttling: {
        mutating: { capacity: 1, refillPerSecond: 1 },
        // One token a second: the two back-to-back calls below stay inside one refill interval
        // even on a loaded machine, and the pause is long enough for the next token.
        nonMutating: { capacity: 1, refillPerSecond: 1 },
        createTags: { capacity: 1, refillPerSecond: 1 },
      },
    });
    await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    await expectEc2Error(h.ec2.send(new DescribeTrafficMirrorSessionsCommand({})), 'RequestLimitExceeded', 503);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
  });
});

describe('control endpoints', () => {
  it('serves health, stats and events', async () => {
    const health = await fetch(`${h.emulator.url}/_emulator/health`);
    expect(await health.json()).toEqual({ status: 'ok', region: 'us-east-1', accountId: '123456789012' });
    await h.ec2.send(new DescribeVpcsCommand({}));
    const stats: unknown = await (await fetch(`${h.emulator.url}/_emulator/stats`)).json();
    expect(stats).toMatchObject({ ec2: { requests: { DescribeVpcs: 1 } }, total: 1 });
    const events: unknown = await (await fetch(`${h.emulator.url}/_emulator/events?after=0`)).json();
    expect(events).toEqual({ events: expect.any(Array) });
    expect((await fetch(`${h.emulator.url}/_emulator/nothing`)).status).toBe(404);
  });

  it('applies a profile and partial faults, and rejects bad input with a message', async () => {
    const response = await post('/_emulator/faults', JSON.stringify({ profile: 'hostile', lateEniRate: 0.5 }));
    expect(response.status).toBe(200);
    expect(h.emulator.faults()).toMatchObject({ lateEniRate: 0.5, unsupportedEniRate: 0.15 });
    expect(h.emulator.faults().ec2Throttling?.mutating).toEqual({ capacity: 50, refillPerSecond: 5 });
    expect(h.emulator.timing().announceActivating).toBe(false);

    const off = await post('/_emulator/faults', JSON.stringify({ ec2Throttling: null }));
    expect(off.status).toBe(200);
    expect(h.emulator.faults().ec2Throttling).toBeUndefined();
    expect(h.emulator.faults().lateEniRate).toBe(0.5);

    for (const bad of [{ lateEniRate: 2 }, { profile: 'chaotic' }, { lateEniRat: 0.1 }]) {
      const rejected = await post('/_emulator/faults', JSON.stringify(bad));
      expect(rejected.status).toBe(400);
      const body: unknown = await rejected.json();
      expect(body).toEqual({ message: expect.stringMatching(/.+/) });
    }
    expect((await post('/_emulator/faults', '{nope')).status).toBe(400);
    expect(h.emulator.faults().lateEniRate).toBe(0.5);
  });
});

/** A raw HTTP request, so that the Host header can be set as a DNS-rebinding page would send it. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; json: unknown }> {
  const url = new URL(h.emulator.url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('control endpoint guard (DNS rebinding and cross-site requests)', () => {
  it.each(['localhost', 'localhost:4566', '127.0.0.1', '127.1.2.3:80', '[::1]', '[::1]:4566', 'LOCALHOST:1'])('serves Host %s', async (host) => {
    expect((await rawRequest('GET', '/_emulator/health', { host })).status).toBe(200);
  });

  it.each(['evil.example', 'evil.example:4566', '127.0.0.1.evil.example', '10.0.0.1:4566', '[::2]', '128.0.0.1'])('refuses Host %s with 403', async (host) => {
    const answer = await rawRequest('GET', '/_emulator/events?after=0', { host });
    expect(answer).toEqual({ status: 403, json: { message: expect.stringContaining('loopback') } });
  });

  it('refuses any request with an Origin header, even from localhost, and changes nothing', async () => {
    const before = h.emulator.faults();
    const answer = await rawRequest(
      'POST',
      '/_emulator/faults',
      { host: 'localhost', origin: 'http://localhost:3000', 'content-type': 'application/json' },
      JSON.stringify({ profile: 'hostile' }),
    );
    expect(answer).toEqual({ status: 403, json: { message: expect.stringContaining('Origin') } });
    expect(h.emulator.faults()).toEqual(before);
  });

  it('leaves the AWS endpoints alone: SDK requests work whatever the Host', async () => {
    const url = new URL(h.emulator.url);
    const answer = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: url.hostname, port: url.port, method: 'POST', path: '/', headers: { host: 'ec2.us-east-1.amazonaws.com', 'content-type': 'application/x-www-form-urlencoded' } },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('Action=DescribeVpcs&Version=2016-11-15');
    });
    expect(answer).toBe(200);
  });
});

describe('isLoopbackAddress (the CLI warns about --host otherwise)', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['example.com', false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopbackAddress(address)).toBe(loopback);
  });
});
