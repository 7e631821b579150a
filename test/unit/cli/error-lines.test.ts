import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientConfigError, errorLine, EXIT_USAGE, withCode } from '../../../src/cli/exit.js';
import { logLine } from '../../../src/cli/stderr-logger.js';
import { ConfigError, InvalidEventError, MirrorError } from '../../../src/core/errors.js';

const RUNS = 1000;
/** Raw line breaks and controls, as a terminal would act on them. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is what this test is for
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 1500 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 300 }),
);

describe('error lines of the CLI', () => {
  it('errorLine: any message is one line of at most 500 characters, with no raw control characters', () => {
    fc.assert(
      fc.property(anyText, (message) => {
        // prepare / act
        const line = errorLine(message);
        // assess
        expect(line.endsWith('\n')).toBe(true);
        const body = line.slice(0, -1);
        expect(body).not.toMatch(RAW_CONTROL);
        expect(body.length).toBeLessThanOrEqual(500);
        expect(body.startsWith('ecs-mirror: ')).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('logLine: any message and attributes are one line of valid JSON with no raw control characters', () => {
    fc.assert(
      fc.property(anyText, anyText, (message, detail) => {
        // act
        const line = logLine('error', message, { detail, count: 3 });
        // assess
        const body = line.slice(0, -1);
        expect(body).not.toMatch(RAW_CONTROL);
        const parsed = JSON.parse(body) as { level: string; message: string; detail: string; count: number };
        expect(parsed).toMatchObject({ level: 'error', count: 3 });
        if (message.length <= 1000) expect(parsed.message).toBe(message);
        else expect(parsed.message).toHaveLength(1000);
      }),
      { numRuns: RUNS },
    );
  });

  it('domain errors that quote input keep one line per message and per configuration problem', () => {
    // act
    const mirror = new MirrorError('unknown', 'DescribeTasks failed: bad-response (HTTP 200): Unexpected token \u0000\u001b[2J garbled \r\n\u0007');
    const invalid = new InvalidEventError("not an ECS Task State Change event: source is 'aws.ecs\nforged line'");
    const config = new ConfigError(["MIRROR_FAMILIES: 'api\nworker' is not a family name", 'MIRROR_CREATE_RATE: \u001b[31m']);
    // assess
    expect(mirror.message).toBe('DescribeTasks failed: bad-response (HTTP 200): Unexpected token \\x00\\x1b[2J garbled \\r\\n\\x07');
    expect(invalid.message).toBe("not an ECS Task State Change event: source is 'aws.ecs\\nforged line'");
    expect(config.problems).toEqual(["MIRROR_FAMILIES: 'api\\nworker' is not a family name", 'MIRROR_CREATE_RATE: \\x1b[31m']);
    expect(config.message.split('\n')).toEqual(config.problems);
  });
});

describe('withCode', () => {
  it('puts the code before the message once, never twice', () => {
    expect(withCode('network', 'DescribeTasks failed: network: reset')).toBe('DescribeTasks failed: network: reset');
    expect(withCode('unverified-event', 'ECS has no task x')).toBe('unverified-event: ECS has no task x');
    expect(withCode(undefined, 'plain')).toBe('plain');
  });
});

describe('clientConfigError', () => {
  it('makes an SDK configuration failure a usage error (exit 2), and nothing else', () => {
    expect(clientConfigError({ kind: 'client-config', message: 'no AWS Region' })).toMatchObject({ exitCode: EXIT_USAGE, message: 'invalid configuration: no AWS Region' });
    expect(clientConfigError({ kind: 'network', message: 'reset' })).toBeUndefined();
  });
});
