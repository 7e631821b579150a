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

/**
 * The CLI's log: with `-v`, every decision as a JSON line on stderr; without it, nothing is
 * written (JSON lines between the rows of a table help no one) and the warnings and errors are
 * only counted, for the command to summarise in its result.
 */
export class CliLog {
  readonly logger: Logger;
  private warnings = 0;
  private errors = 0;

  constructor(private readonly verbose: boolean) {
    const shown = verbose ? stderrLogger('debug') : undefined;
    this.logger = {
      debug: (message, attributes) => shown?.debug(message, attributes),
      info: (message, attributes) => shown?.info(message, attributes),
      warn: (message, attributes) => {
        this.warnings++;
        shown?.warn(message, attributes);
      },
      error: (message, attributes) => {
        this.errors++;
        shown?.error(message, attributes);
      },
    };
  }

  get counts(): { readonly warnings: number; readonly errors: number } {
    return { warnings: this.warnings, errors: this.errors };
  }

  /** `3 warnings, 1 error (run with -v for details)`; undefined when there is nothing to say. */
  summary(): string | undefined {
    if (this.verbose || this.warnings + this.errors === 0) return undefined;
    const parts = [
      ...(this.warnings > 0 ? [`${this.warnings} warning${this.warnings === 1 ? '' : 's'}`] : []),
      ...(this.errors > 0 ? [`${this.errors} error${this.errors === 1 ? '' : 's'}`] : []),
    ];
    return `${parts.join(', ')} (run with -v for details)`;
  }
}
