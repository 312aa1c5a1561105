/**
 * Latency of the API on the dev server: POST /v1/deployments → 202 over
 * `count` requests with distinct idempotency keys (all but a few coalesce in
 * the owner's queue behind the running deploy), then GET /v1/deployments/:id.
 * Run: npx tsx bench/api.ts [count] [concurrency]
 */
import { runInWorld } from './in-world';
import { percentile, sleep } from './stats';
import { tokens, type Harness } from '../test/support/berth-harness';

const count = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 1);

/** Runs `count` timed calls, `concurrency` at a time; returns each call's latency. */
async function timed(call: (index: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const startedAt = performance.now();
        await call(index);
        latencies.push(performance.now() - startedAt);
      }
    }),
  );
  return latencies;
}

const line = (what: string, values: number[]) =>
  `${what}: p50 ${percentile(values, 50).toFixed(1)} ms, p99 ${percentile(values, 99).toFixed(1)} ms, max ${percentile(values, 100).toFixed(1)} ms over ${values.length} requests, ${concurrency} at a time`;

async function waitIdle(berth: Harness, ids: string[]): Promise<void> {
  for (const id of ids.slice(-1)) await berth.waitForEnd(id, 120_000);
  await sleep(500);
}

runInWorld({ name: 'api-bench', project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '1s' } } }, async (berth) => {
  await berth.deployAndWait('v1');
  // Warm-up: the first requests pay for connections and JIT.
  for (let i = 0; i < 20; i++) await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`, undefined, tokens.reader);

  const ids: string[] = [];
  const statuses = new Map<number, number>();
  const posts = await timed(async (index) => {
    const tag = index % 2 === 0 ? 'v2' : 'v1';
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'staging', tag, idempotencyKey: `api-bench-${Date.now()}-${index}` }, tokens.ci);
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
    if (response.status === 202) ids.push(response.body.id);
  });
  console.log(line('POST /v1/deployments → 202', posts));
  console.log(`answers: ${JSON.stringify(Object.fromEntries(statuses))}`);

  // Newest first: the owner remembers a bounded history of superseded requests, older ones answer 404.
  const recent = ids.slice(-50).reverse();
  const got = new Map<number, number>();
  const gets = await timed(async (index) => {
    const response = await berth.request('GET', `/v1/deployments/${recent[index % recent.length]}`, undefined, tokens.reader);
    got.set(response.status, (got.get(response.status) ?? 0) + 1);
  });
  console.log(line('GET /v1/deployments/:id', gets));
  console.log(`answers: ${JSON.stringify(Object.fromEntries(got))} (the ${recent.length} newest ids in turn)`);
  await waitIdle(berth, ids);
});
