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
