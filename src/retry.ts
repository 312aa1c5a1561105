import { PermanentError, TimeoutError } from './model/errors';

/** Time as the retry helper sees it; tests swap in a fake so no test waits for real. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions {
  /** Total tries, the first included. */
  attempts: number;
  /** Wait before the second try. */
  delayMs: number;
  /** Each further wait is multiplied by this; 1 (the default) waits evenly. */
  factor?: number;
  maxDelayMs?: number;
  /** Gives up with a TimeoutError once this much time has passed, whatever attempts remain. */
  timeoutMs?: number;
  /** Names the operation in the TimeoutError message. */
  what?: string;
  clock?: Clock;
  /** Defaults to: everything except a PermanentError, which would fail the same way again. */
  isRetryable?: (error: unknown) => boolean;
}

const notPermanent = (error: unknown) => !(error instanceof PermanentError);

/**
 * The one retry helper. Inside activities prefer Temporal's own retries; this
 * is for short, local waits (a daemon that is still starting, a proxy reload).
 */
export async function retry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { attempts, delayMs, factor = 1, maxDelayMs = Infinity, timeoutMs, clock = systemClock, isRetryable = notPermanent } = options;
  if (!Number.isInteger(attempts) || attempts < 1) throw new RangeError(`retry: attempts must be a positive integer, got ${attempts}`);
  const startedAt = clock.now();
  let waitMs = delayMs;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      const wait = Math.min(waitMs, maxDelayMs);
      if (timeoutMs !== undefined && clock.now() - startedAt + wait > timeoutMs) {
        const timeout = new TimeoutError(options.what ?? 'retried operation', timeoutMs);
        timeout.message += `; last error: ${error instanceof Error ? error.message : String(error)}`;
        throw timeout;
      }
      await clock.sleep(wait);
      waitMs *= factor;
    }
  }
}
