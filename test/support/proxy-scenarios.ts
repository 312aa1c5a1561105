import { Harness } from './berth-harness';
import { describeLoad, isReloadReset, keepAliveLoad, type LoadReport } from './keepalive-load';

/** One proxy under test: how to start it, what Berth's config says, and what of the user's must not change. */
export interface ProxyWorld {
  /** Berth's `proxy` section for this proxy. */
  proxyConfig(): Record<string, unknown>;
  /** A snapshot of the user's own server or proxy host configured beside Berth's. */
  foreignSnapshot(): Promise<string>;
  stop(): Promise<void>;
}

const reconcile = { interval: '1s', maxHeals: 10, healWindow: '1m' };

/**
 * The behaviour every driver must show, run against a real proxy: zero failed
 * requests under keep-alive load across a switch, an unhealthy release never
 * served, reconciliation re-applying a deleted route, rollback as a re-point,
 * and the user's own configuration left byte for byte as it was.
 */
export interface ScenarioOptions {
  /** Driver-specific tests, run after the shared ones against the same Berth. */
  more?: (context: { berth: Harness; world: () => ProxyWorld }) => void;
  environments?: Record<string, Record<string, unknown>>;
  /**
   * A proxy that reloads at a switch resets a kept-alive connection whose next request arrives
   * just as the old configuration shuts down (nginx's old workers close idle connections); at
   * most one per client connection per reload. False for a driver that switches without a
   * reload (Caddy with the upstream responder): then not one request may fail. Default true.
   */
  reloadResets?: boolean;
}

/** As `wrk -c8`: eight concurrent keep-alive connections. */
const connections = 8;

export function proxyScenarios(name: string, startWorld: () => Promise<ProxyWorld>, options: ScenarioOptions = {}): void {
  const { more, environments = {}, reloadResets = true } = options;
  describe(`the ${name} driver`, () => {
    const berth = new Harness({ name: `px-${name}`, environments: { staging: { reconcile }, ...environments } });
    let world: ProxyWorld;
    let foreignBefore: string;

    beforeAll(async () => {
      world = await startWorld();
      foreignBefore = await world.foreignSnapshot();
      berth.options.proxy = world.proxyConfig();
      await berth.startServing('v1');
    });
    afterAll(async () => {
      await berth.stop();
      await world?.stop();
    });

    /** Every failure but a reload's reset must be absent; those at most one per connection, and none at all without reloads. */
    const expectNoFailures = (traffic: LoadReport) => {
      expect(traffic.failures.filter((failure) => !reloadResets || !isReloadReset(failure))).toEqual([]);
      expect(traffic.failures.length).toBeLessThanOrEqual(reloadResets ? connections : 0);
    };

    it(`switches v1 → v2 under ${connections} keep-alive connections: no HTTP error, no failed new connection, ${reloadResets ? 'at most one reset per kept-alive connection' : 'no reset'}`, async () => {
      const loop = keepAliveLoad(berth.proxy().listen, berth.hostname('staging'), '/version', { connections, maxRequests: 20_000, maxMs: 60_000 });
      const record = await berth.deployAndWait('v2');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const traffic = await loop.stop();

      console.log(describeLoad(`${name}: v1 -> v2`, traffic));
      expect(record.status).toBe('succeeded');
      expectNoFailures(traffic);
      expect(Object.keys(traffic.bodies).sort()).toEqual(['v1', 'v2']);
      expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
    });

    it('never sends traffic to an unhealthy release', async () => {
      const loop = keepAliveLoad(berth.proxy().listen, berth.hostname('staging'), '/version', { connections, maxRequests: 20_000, maxMs: 60_000 });
      const record = await berth.deployAndWait('unhealthy');
      const traffic = await loop.stop();

      console.log(describeLoad(`${name}: unhealthy release`, traffic));
      expect(record).toMatchObject({ status: 'failed', failedStep: 'health' });
      expect(traffic.failures).toEqual([]);
      expect(Object.keys(traffic.bodies)).toEqual(['v2']);
      expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
    });

    it('rolls back as a re-point to the retained release, under the same load and with the same failure bound', async () => {
      const loop = keepAliveLoad(berth.proxy().listen, berth.hostname('staging'), '/version', { connections, maxRequests: 20_000, maxMs: 60_000 });
      const response = await berth.request('POST', `/v1/projects/${berth.project}/environments/staging/rollback`, {});
      const record = await berth.waitForEnd(response.body.id);
      await new Promise((resolve) => setTimeout(resolve, 500));
      const traffic = await loop.stop();

      console.log(describeLoad(`${name}: rollback v2 -> v1`, traffic));
      expect(record).toMatchObject({ kind: 'rollback', status: 'succeeded' });
      expectNoFailures(traffic);
      expect(Object.keys(traffic.bodies).sort()).toEqual(['v1', 'v2']);
      expect(record.steps.map((step) => step.name)).toContain('switch');
      expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    });

    it('re-applies a route deleted behind its back', async () => {
      const route = berth.route('staging');
      const upstreams = await berth.proxy().currentUpstreams(route);
      await berth.proxy().remove(route);
      expect(await berth.proxy().currentUpstreams(route)).toBeUndefined();

      // The owner's next reconciliation (every second here) finds the route missing and writes it again.
      await waitFor(async () => (await berth.proxy().currentUpstreams(route)) !== undefined, 20_000);
      expect(await berth.proxy().currentUpstreams(route)).toEqual(upstreams);
      await waitFor(async () => (await berth.proxyGet('staging').catch(() => undefined))?.body === 'v1', 10_000);
      expect((await berth.proxy().listOwned()).map((owned) => owned.hostname)).toContain(berth.hostname('staging'));
    });

    it('leaves the user\'s own configuration beside Berth\'s byte for byte unchanged', async () => {
      expect(await world.foreignSnapshot()).toBe(foreignBefore);
    });

    more?.({ berth, world: () => world });
  });
}

export async function waitFor(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
