/**
 * The command line itself is wrong: an unknown command or flag, a missing value, a number that
 * does not parse. Reported as one line on stderr with exit code 2 (the POSIX usage convention).
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit codes of the `em` tool. */
export const ExitCode = {
  success: 0,
  /** The input data, parameters or model file were rejected, or the fit failed. */
  failure: 1,
  /** The command line could not be understood. */
  usage: 2,
} as const;
