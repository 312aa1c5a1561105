import http from 'node:http';
import pino from 'pino';
import { CaddyDriver } from '../../src/proxy/caddy/caddy-driver';
import { querySrvUpstreams } from '../../src/proxy/dns/dns-query';
import { writeUpstreams } from '../../src/proxy/dns/upstream-state';
import { Harness } from '../support/berth-harness';
import { echoUpstreams } from '../support/echo-upstreams';
import { eventually } from '../support/eventually';
import { describeLoad, keepAliveLoad } from '../support/keepalive-load';
import { OwnResponder } from '../support/own-responder';
import { getThroughProxy } from '../support/proxy-client';
import { waitFor } from '../support/proxy-scenarios';
import { readWorld } from '../support/world';

const world = readWorld();
const caddyConfig = () => fetch(`http://${world.caddyAdminAddress}/config/`).then((response) => response.text());

/** The X-Berth-Upstream header of one answer on a fresh connection. */
function markerThroughProxy(hostname: string): Promise<string> {
  const [host, port] = world.caddyListenAddress.split(':');
  return new Promise((resolve, reject) => {
    http.get({ host, port: Number(port), path: '/', headers: { host: hostname }, agent: false }, (res) => {
      res.resume();
      resolve(String(res.headers['x-berth-upstream']));
    }).on('error', reject);
  });
}

describe('the caddy driver with the upstream responder', () => {
  const target = { project: 'dnsdrv', environment: 'staging', hostname: 'dnsdrv.staging.test.localhost' };
  const responder = new OwnResponder();
  let upstreams: Awaited<ReturnType<typeof echoUpstreams>>;
  let driver: CaddyDriver;
  const served = async () => (await getThroughProxy(world.caddyListenAddress, target.hostname, '/')).body;

  beforeAll(async () => {
    await responder.start();
    upstreams = await echoUpstreams(['a', 'b']);
    const [host, port] = world.caddyListenAddress.split(':');
    driver = new CaddyDriver(
      {
        adminUrl: `http://${world.caddyAdminAddress}`,
        listen: { host, port: Number(port) },
        tls: 'off',
        server: 'berth-test',
        upstreamDns: { address: responder.address, stateDir: responder.stateDir, confirmTimeoutMs: 500 },
      },
      pino({ level: 'silent' }),
    );
    await driver.point(target, [upstreams.addresses.a]);
  });
  afterAll(async () => {
    await driver?.remove(target);
    await responder.remove();
    await upstreams?.stop();
  });

  it('switches back and forth under 8 keep-alive connections without changing Caddy\'s config or failing one request', async () => {
    const configBefore = await caddyConfig();
    const loop = keepAliveLoad(world.caddyListenAddress, target.hostname, '/', { connections: 8, maxRequests: 40_000, maxMs: 30_000 });
    for (const name of ['b', 'a', 'b', 'a', 'b']) {
      await driver.point(target, [upstreams.addresses[name]]);
      await waitFor(async () => (await served()) === name, 5000);
    }
    const traffic = await loop.stop();

    console.log(describeLoad('caddy through the upstream responder, 5 switches', traffic));
    expect(traffic.failures).toEqual([]);
    expect(Object.keys(traffic.bodies).sort()).toEqual(['a', 'b']);
    expect(await caddyConfig()).toBe(configBefore);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.b]);
    expect(driver.answeredBy?.(await markerThroughProxy(target.hostname))).toBe(upstreams.addresses.b);
  });

  it('with the responder gone, Caddy serves the route\'s own upstreams, a switch writes them, and a restarted responder answers from its files', async () => {
    await responder.stop();
    // The route still carries the upstream it was created with; that is what Caddy falls back to.
    await waitFor(async () => (await served()) === 'a', 5000);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.a]);

    await driver.point(target, [upstreams.addresses.b]);
    expect(await served()).toBe('b');
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.b]);

    await responder.start();
    await driver.point(target, [upstreams.addresses.a]);
    await waitFor(async () => (await served()) === 'a', 5000);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.a]);
  });
});

/**
 * The watchdog is the host sweep (every second here): with the responder
 * dead, Caddy falls back to the route's static upstreams, a retired release;
 * the sweep sees the route point at no running release and the owner writes
 * the live upstreams into the route.
 */
describe('a Berth whose upstream responder dies after a switch', () => {
  const responder = new OwnResponder();
  const berth = new Harness({ name: 'dnsdead', environments: { staging: { reconcile: { interval: '1h' } } }, sweepIntervalMs: 1000 });

  beforeAll(async () => {
    await responder.start();
    berth.options.proxy = { adminUrl: `http://${world.caddyAdminAddress}`, listen: world.caddyListenAddress, server: 'berth-test', upstreamDns: responder.config() };
    await berth.startServing('v1');
  });
  afterAll(async () => {
    await berth.stop();
    await responder.remove();
  });

  it('serves the live release again once the sweep has the owner write it into the route', async () => {
    expect((await berth.deployAndWait('v2')).status).toBe('succeeded');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
    const live = await berth.proxy().currentUpstreams(berth.route('staging'));

    await responder.stop();
    const answer = await eventually(async () => {
      const got = await berth.proxyGet('staging').catch(() => undefined);
      return got?.body === 'v2' && (await berth.proxy().currentUpstreams(berth.route('staging')))?.join() === live?.join() && got;
    }, { what: 'v2 served from the route itself', timeoutMs: 30_000 });
    expect(answer).toEqual({ status: 200, body: 'v2' });
    const owner = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`);
    expect(owner.body.reconcile.last.healed).toEqual([`re-applied the route of ${berth.hostname('staging')} to ${live![0]}`]);
  });
});

describe('the embedded default\'s responder', () => {
  const responder = new OwnResponder({ restart: true });
  afterAll(() => responder.remove());

  it('is started again when it dies, and answers from its files as before', async () => {
    await responder.start();
    writeUpstreams(responder.stateDir, 'berth_web_staging.berth.', ['127.0.0.1:21004']);
    expect(await querySrvUpstreams(responder.address, 'berth_web_staging.berth.', 1000)).toEqual(['127.0.0.1:21004']);
    const first = responder.pid as number;

    process.kill(first, 'SIGKILL');
    const answered = await eventually(async () => responder.pid !== first && (await querySrvUpstreams(responder.address, 'berth_web_staging.berth.', 300)), {
      what: 'a new responder answering',
      timeoutMs: 15_000,
    });
    expect(answered).toEqual(['127.0.0.1:21004']);
  });
});
