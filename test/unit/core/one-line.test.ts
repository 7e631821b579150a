import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ONE_LINE_MAX_LENGTH, oneLine } from '../../../src/core/one-line.js';

const RUNS = 2000;

/** What must never reach a terminal line: line breaks, C0/DEL/C1 controls, bidi controls, the BOM, lone surrogates. */
// eslint-disable-next-line no-control-regex -- finding raw control characters is what this test is for
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Any text: whole code points, raw UTF-16 units (lone surrogates too), and text dense in controls. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 700 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 700 }),
  fc.string({ unit: fc.constantFrom('\n', '\r', '\t', '\u001b', '\u0000', '\u0085', '\u009b', '\u2028', '\u202e', 'a', 'é', '😀', '\\'), maxLength: 700 }),
);

describe('oneLine', () => {
  it('turns any text into one line with no control characters, at most the maximum length', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const line = oneLine(text);
        expect(line).not.toMatch(UNPRINTABLE);
        expect(line.split('\n')).toHaveLength(1);
        expect(line.length).toBeLessThanOrEqual(ONE_LINE_MAX_LENGTH);
      }),
      { numRuns: RUNS },
    );
  });

  it('cuts only what does not fit, marks the cut, and keeps the escaped text before it', () => {
    fc.assert(
      fc.property(anyText, fc.integer({ min: 1, max: 120 }), (text, max) => {
        const whole = oneLine(text, Number.POSITIVE_INFINITY);
        const line = oneLine(text, max);
        if (whole.length <= max) {
          expect(line).toBe(whole);
        } else {
          expect(line.endsWith('…')).toBe(true);
          expect(whole.startsWith(line.slice(0, -1))).toBe(true);
          expect(line.length).toBeLessThanOrEqual(max);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('leaves printable text alone and is idempotent', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const line = oneLine(text);
        expect(oneLine(line)).toBe(line);
      }),
      { numRuns: RUNS },
    );
    expect(oneLine("cluster 'prod-eu' (arn:aws:ecs:eu-central-1:123456789012:cluster/prod-eu) — 😀 é \\d")).toBe(
      "cluster 'prod-eu' (arn:aws:ecs:eu-central-1:123456789012:cluster/prod-eu) — 😀 é \\d",
    );
  });

  it('spells out newlines, escape sequences and other controls', () => {
    expect(oneLine("MIRROR_FAMILIES: 'api\nworker' is not a family name")).toBe("MIRROR_FAMILIES: 'api\\nworker' is not a family name");
    expect(oneLine('\u0000\u001b[2J garbled \r\n\u0007')).toBe('\\x00\\x1b[2J garbled \\r\\n\\x07');
    expect(oneLine('tab\there, DEL\u007f, CSI\u009b, NEL\u0085')).toBe('tab\\there, DEL\\x7f, CSI\\x9b, NEL\\x85');
    expect(oneLine('a\u2028b\u202ec\ufeff\ud800')).toBe('a\\u2028b\\u202ec\\ufeff\\ud800');
  });

  it('never cuts an escape or a surrogate pair in two', () => {
    expect(oneLine('abc\ncd', 5)).toBe('abc…');
    expect(oneLine('ab😀😀', 5)).toBe('ab😀…');
    expect(oneLine('x'.repeat(600))).toBe(`${'x'.repeat(ONE_LINE_MAX_LENGTH - 1)}…`);
  });
});
