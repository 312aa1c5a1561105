/**
 * Berth alone, no load and no compose: N deploys of the fixture app (the same
 * settings as bench/deploy.ts), each one's request → new release serving
 * through the proxy, and where the time went per step. Quicker and less noisy
 * than bench/deploy.ts, for comparing two versions of Berth run after another.
 * Run: npx tsx bench/serving.ts [rounds]
 */
import { runInWorld } from './in-world';
import { servingAt } from './serving-at';
import { summary, sleep } from './stats';
import { describeTimelines, timelineOf, type Timeline } from './timeline';

const rounds = Number(process.argv[2] ?? 9);
runInWorld({ name: 'deploy-serving', project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '3s' } } }, async (berth) => {
  await berth.deployAndWait('v1');
  const serving: number[] = [];
  const timelines: Timeline[] = [];
  for (let round = 0; round < rounds; round++) {
    const tag = round % 2 === 0 ? 'v2' : 'v1';
    await sleep(300);
    const requestedAt = Date.now();
    const id = await berth.deploy(tag);
    serving.push((await servingAt(berth.proxy().listen, berth.hostname('staging'), tag, requestedAt + 60_000)) - requestedAt);
    const record = await berth.waitForEnd(id);
    timelines.push(await timelineOf(berth.client, record));
  }
  console.log(`request → new release serving: ${serving.join(' ')} → ${summary(serving)}`);
  for (const line of describeTimelines(timelines)) console.log(line);
});
