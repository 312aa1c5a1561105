import { probeDelayMs } from '../../src/activities/health-activities';

test('a candidate is probed every 20 ms in its first interval, then every interval', () => {
  expect([0, 19, 199, 200, 5000].map((elapsed) => probeDelayMs(elapsed, 200))).toEqual([20, 20, 20, 200, 200]);
});

test('an interval shorter than the quick cadence is kept as it is', () => {
  expect([0, 5, 10].map((elapsed) => probeDelayMs(elapsed, 10))).toEqual([10, 10, 10]);
});
