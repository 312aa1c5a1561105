import { Harness } from '../support/berth-harness';
import { eventually } from '../support/eventually';

/**
 * The owner's own pass runs once an hour here, and neither removing a route
 * nor a release turning unhealthy makes a Docker event: only the host's sweep
 * (every second here, probing each release every second) can see them.
 */
describe('the host sweep', () => {
  const berth = new Harness({ name: 'sweep', environments: { staging: { reconcile: { interval: '1h', probe: '1s' } } }, sweepIntervalMs: 1000 });

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

  it('has the owner restart a running release whose health check fails', async () => {
    const [live] = (await berth.releases('staging')).filter((r) => r.running);
    // The fixture answers /health from this file; removing it makes no Docker event the watchers heal on.
    const exec = await berth.docker.getContainer(live.id).exec({ Cmd: ['rm', '/www/health'], AttachStdout: true, AttachStderr: true });
    const output = await exec.start({});
    await new Promise((resolve) => output.on('end', resolve).resume());
    const direct = await fetch(`http://127.0.0.1:${live.port}/health`);
    expect(direct.status).toBe(404);
    const healed = `restarted unhealthy ${live.name}`;

    const last = await eventually(async () => {
      const owner = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`);
      return owner.body.reconcile.last?.healed.includes(healed) ? owner.body.reconcile.last : false;
    }, { what: 'the restart', timeoutMs: 30_000 });
    expect(last).toMatchObject({ healed: [healed], problems: [] });
    // The same container, restarted: its start wrote the health file again.
    expect((await berth.releases('staging')).filter((r) => r.running).map((r) => r.id)).toEqual([live.id]);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    // The notification goes out after the pass has recorded its result.
    expect(await eventually(() => berth.receiver.received.some((hook) => hook.json.event === 'drift_healed' && String(hook.json.reason).includes(healed)), { what: 'drift_healed', timeoutMs: 10_000 })).toBe(true);
  });
});
