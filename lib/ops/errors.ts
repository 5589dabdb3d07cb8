/** Exit codes of the operations CLI. */
export const EXIT = {
  /** Everything as expected. */
  OK: 0,
  /** Drift, or a check that failed (the breaker is tripped, a plan differs from the templates). */
  FAILED_CHECK: 1,
  /** Wrong usage, no credentials, access denied, or something named that does not exist. */
  USAGE: 2,
} as const;

/** An error the CLI reports as one line and an exit code. */
export class OpsError extends Error {
  constructor(
    message: string,
    public readonly exitCode: number = EXIT.USAGE,
  ) {
    super(message);
    this.name = 'OpsError';
  }
}

const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedException', 'UnrecognizedClientException', 'ExpiredTokenException', 'InvalidClientTokenId']);
const NOT_FOUND = new Set(['NotFoundException', 'ResourceNotFoundException']);

/**
 * One line for an error from the AWS SDK or the CLI: what went wrong and what to do, without a
 * stack trace.
 */
export function describeError(err: unknown): { message: string; exitCode: number } {
  if (err instanceof OpsError) return { message: err.message, exitCode: err.exitCode };
  const name = (err as { name?: string } | null)?.name ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(name)) {
    return { message: 'no AWS credentials: set AWS_PROFILE (or --profile), or the AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY variables', exitCode: EXIT.USAGE };
  }
  if (ACCESS_DENIED.has(name)) return { message: `access denied: ${message}`, exitCode: EXIT.USAGE };
  if (NOT_FOUND.has(name)) return { message: `not found: ${message}`, exitCode: EXIT.USAGE };
  if (name === 'TooManyRequestsException' || name === 'ThrottlingException') {
    return { message: `AWS kept throttling the requests after retries: ${message}`, exitCode: EXIT.USAGE };
  }
  return { message: `${name || 'error'}: ${message}`, exitCode: EXIT.USAGE };
}
