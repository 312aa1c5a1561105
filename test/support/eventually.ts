/** Time as `eventually` sees it; tests of the helper pass a fake one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface EventuallyOptions {
  /** Named in the timeout message: "the candidate answering did not happen within 30000 ms". */
  what?: string;
  timeoutMs?: number;
  intervalMs?: number;
  clock?: Clock;
}

/**
 * Runs `check` until it passes: until it neither throws (a failing `expect`
 * throws) nor returns `false`. Returns what it returned the time it passed.
 * Bounded: past `timeoutMs` it throws, with the last reason it did not pass.
 */
export async function eventually<T>(check: () => T | Promise<T>, options: EventuallyOptions = {}): Promise<Exclude<T, false>> {
  const { what = 'the condition', timeoutMs = 30_000, intervalMs = 100, clock = realClock } = options;
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    let reason: string;
    try {
      const value = await check();
      if (value !== false) return value as Exclude<T, false>;
      reason = 'it returned false';
    } catch (error) {
      reason = error instanceof Error ? error.message : String(error);
    }
    if (clock.now() >= deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; last: ${reason}`);
    await clock.sleep(intervalMs);
  }
}

/** For checks that find something: not there yet is a reason to try again. */
export function present<T>(value: T | undefined | null, what = 'the value'): T {
  if (value === undefined || value === null) throw new Error(`${what} is not there yet`);
  return value;
}
