import { eventually, present, type Clock } from '../support/eventually';

/** A clock that moves only when the helper sleeps. */
function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
}

test('returns the value of the first check that passes', async () => {
  const clock = fakeClock();
  let calls = 0;
  const value = await eventually(() => (++calls < 3 ? false : 'ready'), { clock, intervalMs: 50 });
  expect(value).toBe('ready');
  expect(clock.slept).toEqual([50, 50]);
});

test('a check that throws is tried again, and present() turns "not there" into a throw', async () => {
  const clock = fakeClock();
  const answers = [undefined, undefined, 42];
  expect(await eventually(() => present(answers.shift(), 'the port'), { clock })).toBe(42);
  expect(clock.slept).toEqual([100, 100]);
});

test('gives up at the deadline, naming what it waited for and the last reason', async () => {
  const clock = fakeClock();
  const waited = eventually(
    () => {
      throw new Error('expected running, got queued');
    },
    { clock, what: 'step health running', timeoutMs: 1000, intervalMs: 300 },
  );
  await expect(waited).rejects.toThrow('step health running did not happen within 1000 ms; last: expected running, got queued');
  expect(clock.slept).toEqual([300, 300, 300, 300]);
});
