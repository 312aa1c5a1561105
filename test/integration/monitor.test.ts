import { Harness } from '../support/berth-harness';
import { loadLoop } from '../support/proxy-client';

describe('verify after the switch', () => {
  const berth = new Harness({
    name: 'monitor',
    project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '8s', monitorFailures: 3 } },
  });
  let current: string;

  beforeAll(async () => {
    current = await berth.startServing('v1');
  });
  afterAll(() => berth.stop());

  it('reverts a release that turns unhealthy 2 s after the switch, within the monitor window', async () => {
    const loop = loadLoop(berth.world.caddyListenAddress, berth.hostname('staging'), '/health', { maxRequests: 20_000, maxMs: 60_000 });
    const record = await berth.deployAndWait('flaky');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const traffic = await loop.stop();

    expect(record.status).toBe('rolled_back');
    expect(record.failedStep).toBe('monitor');
    expect(record.reason).toMatch(/^verify through the proxy failed 3 times within the monitor window; last: HTTP 404/);
    expect(record.logTail).toContain('response:404');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    expect((await berth.releases()).map((r) => [r.release, r.running])).toEqual([[current, true]]);
    expect(berth.receiver.eventsFor(record.id)).toEqual(['started', 'rolled_back']);

    const step = (name: string) => record.steps.find((s) => s.name === name)!;
    const switchedAt = Date.parse(step('switch').finishedAt!);
    const revertedAt = Date.parse(step('compensation').finishedAt!);
    console.log(
      `flaky release: ${traffic.sent} requests through the proxy, ${traffic.failures.length} failed, ` +
        `all within ${revertedAt - switchedAt} ms between the switch and the revert`,
    );
    expect(traffic.failures.length).toBeGreaterThan(0);
    for (const at of traffic.failureTimes) {
      expect(at).toBeGreaterThanOrEqual(switchedAt);
      expect(at).toBeLessThanOrEqual(revertedAt + 250);
    }
    // The revert came inside the 8 s monitor window.
    expect(revertedAt - switchedAt).toBeLessThan(8000);
  });
});
