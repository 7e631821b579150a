import type { LogAttributes, Logger } from '../ports/index.js';

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LEVELS)[number];

/** JSON lines on stderr, so stdout stays the command's machine-readable result. */
export function stderrLogger(minimum: LogLevel): Logger {
  const threshold = LEVELS.indexOf(minimum);
  const write = (level: LogLevel) => (message: string, attributes?: LogAttributes) => {
    if (LEVELS.indexOf(level) < threshold) return;
    process.stderr.write(`${JSON.stringify({ ...attributes, level, message })}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
