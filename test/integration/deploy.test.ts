import { loadLoop } from '../support/proxy-client';
import { Harness } from '../support/berth-harness';

describe('a deploy end to end (real Temporal, Docker, Caddy)', () => {
  const berth = new Harness({ name: 'deploy', project: { keep: 2 } });

  beforeAll(() => berth.start());
  afterAll(() => berth.stop());

  it('deploys v1 to an empty environment and serves it through Caddy', async () => {
    const record = await berth.deployAndWait('v1');

    expect(record.status).toBe('succeeded');
    expect(record.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(record.steps.map((step) => [step.name, step.status])).toEqual([
      ['pull', 'succeeded'],
      ['start', 'succeeded'],
      ['health', 'succeeded'],
      ['switch', 'succeeded'],
      ['monitor', 'succeeded'],
      ['drain', 'succeeded'],
      ['retire', 'succeeded'],
    ]);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    const releases = await berth.releases();
    expect(releases.map((r) => [r.release, r.running, r.digest])).toEqual([[record.id, true, record.digest]]);
    expect(berth.receiver.eventsFor(record.id)).toEqual(['started', 'succeeded']);
  });

  it('deploys v2 with zero failed requests, stops v1 and keeps it for rollback', async () => {
    const before = await berth.releases();
    const loop = loadLoop(berth.world.caddyListenAddress, berth.hostname('staging'), '/version', { maxRequests: 20_000, maxMs: 120_000 });
    const record = await berth.deployAndWait('v2');
    // Keep sending for a moment after the old release stopped.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const traffic = await loop.stop();

    expect(record.status).toBe('succeeded');
    console.log(`v1 -> v2 under load: ${traffic.sent} requests, ${traffic.failures.length} failed, ${traffic.resets} connection resets retried, answers ${JSON.stringify(traffic.bodies)}`);
    expect(traffic.failures).toEqual([]);
    expect(Object.keys(traffic.bodies).sort()).toEqual(['v1', 'v2']);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });

    const releases = await berth.releases();
    expect(releases.filter((r) => r.running).map((r) => r.release)).toEqual([record.id]);
    expect(releases.filter((r) => !r.running).map((r) => r.release)).toEqual([before[0].release]);
    expect(record.previousRelease).toBe(before[0].release);
  });

  it('removes stopped releases beyond keep', async () => {
    const before = await berth.releases();
    const record = await berth.deployAndWait('v1');

    expect(record.status).toBe('succeeded');
    const releases = await berth.releases();
    // keep: 2 means the serving release plus one stopped for rollback.
    expect(releases.map((r) => [r.release, r.running])).toEqual([
      [record.id, true],
      [before[0].release, false],
    ]);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
  });
});
