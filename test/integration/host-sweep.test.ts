import { Harness } from '../support/berth-harness';
import { eventually } from '../support/eventually';

/**
 * The owner's own pass runs once an hour here, and removing a route makes no
 * Docker event: only the host's sweep (every second here) can see it.
 */
describe('the host sweep', () => {
  const berth = new Harness({ name: 'sweep', environments: { staging: { reconcile: { interval: '1h' } } }, sweepIntervalMs: 1000 });

  beforeAll(async () => {
    await berth.startServing('v1');
  });
  afterAll(async () => {
    await berth.stop();
  });

  it('has the owner re-apply a route deleted behind its back, long before its hourly pass', async () => {
    const route = berth.route('staging');
    const upstreams = await berth.proxy().currentUpstreams(route);
    await berth.proxy().remove(route);

    const restored = await eventually(async () => (await berth.proxy().currentUpstreams(route)) ?? false, { what: 'the route back', timeoutMs: 20_000 });
    expect(restored).toEqual(upstreams);
    expect(await eventually(async () => (await berth.proxyGet('staging')).body === 'v1' && (await berth.proxyGet('staging')), { timeoutMs: 10_000 })).toEqual({ status: 200, body: 'v1' });
    const owner = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`);
    expect(owner.body.reconcile.last.healed).toEqual([`re-applied the route of ${berth.hostname('staging')} to ${upstreams![0]}`]);
  });
});
