/**
 * Prints how fast a rollback re-points traffic, and how many requests fail
 * while a release that breaks after the switch is caught and reverted.
 * Run: npx tsx bench/rollback.ts [rounds]
 */
import { runInWorld } from './in-world';
import { loadLoop } from '../test/support/proxy-client';

const rounds = Number(process.argv[2] ?? 5);

runInWorld({
    name: 'bench',
    project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '8s', monitorFailures: 3 } },
  }, async (berth) => {
  await berth.deployAndWait('v1');
  await berth.deployAndWait('v2');
  const rollbackMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const startedAt = Date.now();
    const response = await berth.request('POST', `/v1/projects/${berth.project}/environments/staging/rollback`, {});
    const record = await berth.waitForEnd(response.body.id);
    if (record.status !== 'succeeded') throw new Error(`rollback ${record.id} ended ${record.status}: ${record.reason}`);
    const switched = record.steps.find((step) => step.name === 'switch')!;
    rollbackMs.push(Date.parse(switched.finishedAt!) - startedAt);
    console.log(`rollback ${round + 1}: traffic re-pointed ${rollbackMs[round]} ms after the request; finished after ${Date.now() - startedAt} ms`);
  }
  const sorted = [...rollbackMs].sort((a, b) => a - b);
  console.log(`rollback re-point: median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms over ${rounds} rounds`);

  const loop = loadLoop(berth.world.caddyListenAddress, berth.hostname('staging'), '/health', { maxRequests: 20_000, maxMs: 60_000 });
  const record = await berth.deployAndWait('flaky');
  const traffic = await loop.stop();
  const step = (name: string) => record.steps.find((s) => s.name === name)!;
  const windowMs = Date.parse(step('compensation').finishedAt!) - Date.parse(step('switch').finishedAt!);
  console.log(`reverted release: ${record.status}; ${traffic.failures.length} of ${traffic.sent} requests failed, within ${windowMs} ms from switch to revert`);
});
