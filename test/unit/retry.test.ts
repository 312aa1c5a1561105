import { PermanentError, TimeoutError } from '../../src/model/errors';
import { type Clock, retry } from '../../src/retry';

/** A clock that advances only when slept on, recording every wait. */
function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

/** Fails `failures` times with `error`, then answers with the attempt number. */
function flaky(failures: number, error: () => Error = () => new Error('daemon busy')) {
  const calls: number[] = [];
  const fn = async (attempt: number) => {
    calls.push(attempt);
    if (calls.length <= failures) throw error();
    return `ok on ${attempt}`;
  };
  return { fn, calls };
}

describe('retry', () => {
  it('returns the first success and waits between attempts', async () => {
    const clock = fakeClock();
    const { fn, calls } = flaky(2);
    await expect(retry(fn, { attempts: 5, delayMs: 100, clock })).resolves.toBe('ok on 3');
    expect(calls).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([100, 100]);
  });

  it('backs off by the factor up to the maximum delay', async () => {
    const clock = fakeClock();
    const { fn } = flaky(4);
    await retry(fn, { attempts: 5, delayMs: 100, factor: 2, maxDelayMs: 300, clock });
    expect(clock.sleeps).toEqual([100, 200, 300, 300]);
  });

  it('rethrows the last error once attempts run out', async () => {
    const clock = fakeClock();
    const { fn, calls } = flaky(10);
    await expect(retry(fn, { attempts: 3, delayMs: 10, clock })).rejects.toThrow('daemon busy');
    expect(calls).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([10, 10]);
  });

  it('does not retry a PermanentError by default', async () => {
    const clock = fakeClock();
    const { fn, calls } = flaky(10, () => new PermanentError('IMAGE_NOT_FOUND', 'no such tag'));
    await expect(retry(fn, { attempts: 3, delayMs: 10, clock })).rejects.toBeInstanceOf(PermanentError);
    expect(calls).toEqual([1]);
    expect(clock.sleeps).toEqual([]);
  });

  it('asks isRetryable when given', async () => {
    const clock = fakeClock();
    const { fn, calls } = flaky(10);
    await expect(retry(fn, { attempts: 3, delayMs: 10, clock, isRetryable: () => false })).rejects.toThrow('daemon busy');
    expect(calls).toEqual([1]);
  });

  it('gives up with a TimeoutError that states its limit and the last error', async () => {
    const clock = fakeClock();
    const { fn, calls } = flaky(100);
    const failure = retry(fn, { attempts: 100, delayMs: 400, timeoutMs: 1000, what: 'waiting for dockerd', clock });
    await expect(failure).rejects.toBeInstanceOf(TimeoutError);
    await expect(failure).rejects.toThrow('waiting for dockerd did not finish within 1000ms; last error: daemon busy');
    expect(calls).toEqual([1, 2, 3]);
    expect(clock.sleeps).toEqual([400, 400]);
  });

  it('refuses a non-positive number of attempts', async () => {
    await expect(retry(async () => 1, { attempts: 0, delayMs: 1 })).rejects.toThrow(RangeError);
  });
});
