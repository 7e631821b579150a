import { ENV } from '../contract/variables.js';
import { oneLine } from '../core/one-line.js';

/** Exit codes: 0 done, 1 AWS or runtime failure, 2 bad input or bad configuration. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A failure the CLI reports as one line on stderr, never as a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Several problems, one line each (invalid configuration); `message` joins them. */
    readonly lines?: readonly string[],
  ) {
    super(message);
  }
}

/**
 * Bad configuration: exit 2. The variables' problems share one line, as they always have; each
 * problem of a rules file has a line of its own, naming its field (a file can have dozens).
 */
export function configErrorOf(problems: readonly string[]): CliError {
  const isRules = (problem: string) => problem.startsWith(`${ENV.rulesFile} `) || problem.startsWith(`${ENV.rules}:`);
  const variables = problems.filter((problem) => !isRules(problem));
  const lines = [
    ...(variables.length > 0 ? [`invalid configuration: ${variables.join('; ')}`] : []),
    ...problems.filter(isRules).map((problem) => `invalid configuration: ${problem}`),
  ];
  return new CliError(lines.join('; '), EXIT_USAGE, lines);
}

/**
 * The SDK's own configuration (Region, endpoint, credentials) found wanting at a call: the user's
 * configuration to fix, like a bad variable, so exit 2.
 */
export function clientConfigError(failure: { readonly kind: string; readonly message: string }): CliError | undefined {
  return failure.kind === 'client-config' ? new CliError(`invalid configuration: ${failure.message}`, EXIT_USAGE) : undefined;
}

/** `code: message`, unless the message already says its code (MirrorError messages often do). */
export function withCode(code: string | undefined, message: string): string {
  return code === undefined || message.includes(code) ? message : `${code}: ${message}`;
}

/**
 * The line the CLI writes on stderr for a failure: escaped and cut by oneLine as a whole, so
 * that whatever the message quotes (a file name, an AWS answer, a garbled body) it stays one line.
 */
export function errorLine(message: string): string {
  return `${oneLine(`ecs-mirror: ${message}`)}\n`;
}
