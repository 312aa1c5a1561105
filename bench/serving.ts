/**
 * Berth alone, no load and no compose: N deploys of the fixture app (the same
 * settings as bench/deploy.ts), each one's request → new release serving
 * through the proxy, and where the time went per step. Quicker and less noisy
 * than bench/deploy.ts, for comparing two versions of Berth run after another.
 * Run: npx tsx bench/serving.ts [rounds]
 */
import { runInWorld } from './in-world';
import { summary, sleep } from './stats';
import { describeTimelines, timelineOf, type Timeline } from './timeline';
import { getThroughProxy } from '../test/support/proxy-client';

const rounds = Number(process.argv[2] ?? 9);
async function servingAt(listen: string, hostname: string, body: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const answer = await getThroughProxy(listen, hostname, '/version', 1000).catch(() => undefined);
    if (answer?.status === 200 && answer.body === body) return Date.now();
    await sleep(5);
  }
  throw new Error(`${hostname} did not answer ${body} in time`);
}
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
