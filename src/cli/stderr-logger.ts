import type { LogAttributes, Logger } from '../ports/index.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** Longest string value kept in a log line; AWS messages and garbled bodies can be any length. */
const MAX_VALUE_LENGTH = 1000;

/**
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls (U+009B is a CSI on some
 * terminals), U+2028/U+2029 (line breaks to many readers) and the bidi controls as they are.
 * They only ever occur inside JSON strings, where \uNNNN is the same character: the line stays
 * valid JSON with the same content, and prints as one inert line.
 */
const LEFT_RAW_BY_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;

function clipped(value: unknown): unknown {
  return typeof value === 'string' && value.length > MAX_VALUE_LENGTH ? `${value.slice(0, MAX_VALUE_LENGTH - 1)}…` : value;
}

/** One log record as one line of JSON, whatever its strings hold. */
export function logLine(level: LogLevel, message: string, attributes: LogAttributes = {}): string {
  const record: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...attributes, level, message })) record[key] = clipped(value);
  return `${JSON.stringify(record).replace(LEFT_RAW_BY_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** JSON lines on stderr, so stdout stays the command's machine-readable result. */
export function stderrLogger(minimum: LogLevel): Logger {
  const threshold = LEVELS.indexOf(minimum);
  const write = (level: LogLevel) => (message: string, attributes?: LogAttributes) => {
    if (LEVELS.indexOf(level) < threshold) return;
    process.stderr.write(logLine(level, message, attributes));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
