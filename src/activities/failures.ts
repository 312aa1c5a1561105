import { ApplicationFailure } from '@temporalio/activity';
import { PermanentError, RetryableError } from '../model/errors';

/**
 * Permanent problems fail at once; everything else stays retryable. Details
 * (a log tail, the failed step) leave as the failure's details, never inside
 * its message, so the workflow reads them without parsing text.
 */
export async function classify<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PermanentError || error instanceof RetryableError) {
      throw ApplicationFailure.create({
        message: error.message,
        type: error.code,
        nonRetryable: error instanceof PermanentError,
        details: error.details ? [error.details] : [],
      });
    }
    throw error;
  }
}
