/**
 * Berth against `docker-compose up -d` in one run: the same fixture image,
 * the same Caddy, the same wrk keep-alive load (-t1 -c8). Prints request →
 * new release serving and request → succeeded, failed requests by kind, the
 * ratio, and where Berth's time goes (steps, and Temporal's schedule-to-start).
 * Run: npx tsx bench/deploy.ts [rounds] [--reload]
 * (--reload: Caddy switches by rewriting the route, as without `upstreamDns`, for comparison)
 */
import { runInWorld } from './in-world';
import { servingAt } from './serving-at';
import { ComposeApp } from './compose-app';
import { summary, median, sleep } from './stats';
import { describeTimelines, timelineOf, type Timeline } from './timeline';
import { describeWrk, startWrk, type WrkReport } from './wrk';
import type { Harness, HarnessOptions } from '../test/support/berth-harness';
import { freeLoopbackPort } from '../test/support/free-port';
import { readWorld } from '../test/support/world';

const rounds = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 5);
const maxRoundS = 60;

function total(reports: WrkReport[]): WrkReport {
  return reports.reduce((sum, r) => ({ requests: sum.requests + r.requests, non2xx: sum.non2xx + r.non2xx, connect: sum.connect + r.connect, read: sum.read + r.read, write: sum.write + r.write, timeout: sum.timeout + r.timeout }));
}

async function berthRounds(berth: Harness, url: string): Promise<{ serving: number[]; done: number[]; load: WrkReport[]; timelines: Timeline[] }> {
  const serving: number[] = [];
  const done: number[] = [];
  const load: WrkReport[] = [];
  const timelines: Timeline[] = [];
  for (let round = 0; round < rounds; round++) {
    const tag = round % 2 === 0 ? 'v2' : 'v1';
    const wrk = startWrk(url, berth.hostname('staging'), maxRoundS);
    await sleep(500);
    const requestedAt = Date.now();
    const id = await berth.deploy(tag);
    const servedAt = await servingAt(berth.proxy().listen, berth.hostname('staging'), tag, requestedAt + maxRoundS * 1000);
    const record = await berth.waitForOutcome(id);
    const finishedAt = Date.now();
    await berth.waitForEnd(id);
    await sleep(500);
    load.push(await wrk.stop());
    if (record.status !== 'succeeded') throw new Error(`deploy ${id} ended ${record.status}: ${record.reason}`);
    serving.push(servedAt - requestedAt);
    done.push(finishedAt - requestedAt);
    timelines.push(await timelineOf(berth.client, record));
    console.log(`berth ${round + 1}: ${tag} serving after ${serving[round]} ms, succeeded seen after ${done[round]} ms; load ${describeWrk(load[round])}`);
  }
  return { serving, done, load, timelines };
}

async function composeRounds(berth: Harness, url: string): Promise<{ serving: number[]; done: number[]; load: WrkReport[] }> {
  const app = new ComposeApp(await freeLoopbackPort());
  const route = { project: 'bench', environment: 'compose', hostname: `compose.${berth.project}.test.localhost` };
  const serving: number[] = [];
  const done: number[] = [];
  const load: WrkReport[] = [];
  try {
    await app.up(berth.image('v1'));
    await berth.proxy().point(route, [`127.0.0.1:${app.port}`]);
    await servingAt(berth.proxy().listen, route.hostname, 'v1', Date.now() + 30_000);
    for (let round = 0; round < rounds; round++) {
      const tag = round % 2 === 0 ? 'v2' : 'v1';
      const wrk = startWrk(url, route.hostname, maxRoundS);
      await sleep(500);
      const requestedAt = Date.now();
      const up = app.up(berth.image(tag)).then(() => Date.now());
      const servedAt = await servingAt(berth.proxy().listen, route.hostname, tag, requestedAt + maxRoundS * 1000);
      const finishedAt = await up;
      await sleep(500);
      load.push(await wrk.stop());
      serving.push(servedAt - requestedAt);
      done.push(finishedAt - requestedAt);
      console.log(`compose ${round + 1}: ${tag} serving after ${serving[round]} ms, up -d returned after ${done[round]} ms; load ${describeWrk(load[round])}`);
    }
  } finally {
    await berth.proxy().remove(route);
    await app.down();
  }
  return { serving, done, load };
}

const options: HarnessOptions = {
  name: 'deploy-bench',
  project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '3s' } },
};
if (process.argv.includes('--reload')) {
  // Read when the harness starts, after the world is up: the test world's Caddy without the upstream responder.
  Object.defineProperty(options, 'proxy', {
    get: () => ({ adminUrl: `http://${readWorld().caddyAdminAddress}`, listen: readWorld().caddyListenAddress, server: 'berth-test' }),
  });
}

runInWorld(options, async (berth) => {
  const url = `http://${berth.proxy().listen}/version`;
  await berth.deployAndWait('v1');
  const b = await berthRounds(berth, url);

  // A rollback under the same load: the re-point must drop nothing either.
  const wrk = startWrk(url, berth.hostname('staging'), maxRoundS);
  await sleep(500);
  const rollbackAt = Date.now();
  const previous = rounds % 2 === 0 ? 'v2' : 'v1';
  const response = await berth.request('POST', `/v1/projects/${berth.project}/environments/staging/rollback`, {});
  const rolledAt = await servingAt(berth.proxy().listen, berth.hostname('staging'), previous, rollbackAt + maxRoundS * 1000);
  await berth.waitForEnd(response.body.id);
  await sleep(500);
  const rollbackLoad = await wrk.stop();
  console.log(`berth rollback: ${previous} serving after ${rolledAt - rollbackAt} ms; load ${describeWrk(rollbackLoad)}`);

  const c = await composeRounds(berth, url);
  console.log('');
  console.log(`request → new release serving: berth ${summary(b.serving)}; compose ${summary(c.serving)}; compose/berth ${(median(c.serving) / median(b.serving)).toFixed(1)}×`);
  console.log(`request → succeeded:            berth ${summary(b.done)}; compose (up -d returned) ${summary(c.done)}`);
  console.log(`failed requests under wrk -t1 -c8 keep-alive: berth ${describeWrk(total([...b.load, rollbackLoad]))} over ${rounds} deploys + 1 rollback; compose ${describeWrk(total(c.load))} over ${rounds} recreates`);
  for (const line of describeTimelines(b.timelines)) console.log(`berth ${line}`);
});
