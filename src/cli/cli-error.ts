/** Exit codes CI can tell apart. */
export const exitCodes = {
  succeeded: 0,
  /** The deploy ended failed, rolled_back, rejected, expired, cancelled or superseded; or Berth refused or could not be reached. */
  failed: 1,
  /** Wrong flags, missing URL or token, or a request the API calls invalid, unauthorised or unknown. */
  usage: 2,
  /** `--timeout` passed before the deploy finished; it keeps running. */
  timeout: 3,
} as const;

export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Ends the command with this exit code and message. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
  }
}
