import { ApplicationFailure } from '@temporalio/activity';
import { PermanentError } from '../model/errors';

/** Permanent problems fail at once; everything else stays retryable. */
export async function classify<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof PermanentError) {
      throw ApplicationFailure.nonRetryable(error.message, error.code);
    }
    throw error;
  }
}
