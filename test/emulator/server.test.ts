import { DescribeTrafficMirrorSessionsCommand, DescribeVpcsCommand, CreateTrafficMirrorFilterCommand } from '@aws-sdk/client-ec2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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
    // Buckets are separate: mutating calls still pass.
    await h.ec2.send(new CreateTrafficMirrorFilterCommand({}));
    await h.ec2.send(new CreateTrafficMirrorFilterCommand({}));
    await expectEc2Error(h.ec2.send(new CreateTrafficMirrorFilterCommand({})), 'RequestLimitExceeded', 503);

    const stats = h.emulator.stats();
    expect(stats.ec2.requests).toEqual({ DescribeVpcs: 4, CreateTrafficMirrorFilter: 3 });
    expect(stats.ec2.throttled).toEqual({ DescribeVpcs: 1, CreateTrafficMirrorFilter: 1 });
    expect(stats.ec2.throttledTotal).toBe(2);
    expect(stats.total).toBe(7);

    // Turning throttling off takes effect at once.
    h.emulator.setFaults({ ec2Throttling: undefined });
    await h.ec2.send(new DescribeVpcsCommand({}));
  });

  it('refills with real time', async () => {
    h.emulator.setFaults({
      ec2Throttling: {
        mutating: { capacity: 1, refillPerSecond: 1 },
        nonMutating: { capacity: 1, refillPerSecond: 20 },
        createTags: { capacity: 1, refillPerSecond: 1 },
      },
    });
    await h.ec2.send(new DescribeTrafficMirrorSessionsCommand({}));
    await expectEc2Error(h.ec2.send(new DescribeTrafficMirrorSessionsCommand({})), 'RequestLimitExceeded', 503);
    await new Promise((resolve) => setTimeout(resolve, 120));
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
