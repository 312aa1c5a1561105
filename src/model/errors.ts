import { failureTypes, type FailureDetails } from './failures';

/**
 * The small set of typed errors. A PermanentError will fail the same way on
 * every attempt (bad reference, unknown tag, refused credentials, invalid
 * spec); activities turn it into a non-retryable ApplicationFailure. Anything
 * else is treated as transient and retried with bounded backoff.
 */
export class PermanentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** Carried to the workflow as the failure's details; the message stays free of tails. */
    readonly details?: FailureDetails,
  ) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** A transient problem (Temporal retries it) that still carries structured details to the workflow. */
export class RetryableError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: FailureDetails,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}

export class ImageNotFoundError extends PermanentError {
  constructor(ref: string, detail: string) {
    super('IMAGE_NOT_FOUND', `image ${ref} was not found in its registry: ${detail}`);
  }
}

export class RegistryAuthError extends PermanentError {
  constructor(ref: string, detail: string) {
    super('REGISTRY_AUTH', `the registry refused credentials for ${ref}: ${detail}`);
  }
}

export class InvalidReferenceError extends PermanentError {
  constructor(ref: string, detail: string) {
    super('INVALID_REFERENCE', `"${ref}" is not a valid image reference: ${detail}`);
  }
}

/** The candidate exited or never became healthy; its log tail travels in the details. */
export class UnhealthyError extends PermanentError {
  constructor(message: string, details: FailureDetails) {
    super(failureTypes.unhealthy, message, details);
  }
}

export class TimeoutError extends Error {
  constructor(what: string, limitMs: number) {
    super(`${what} did not finish within ${limitMs}ms`);
    this.name = 'TimeoutError';
  }
}
