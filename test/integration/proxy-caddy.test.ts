import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startUpstreamDns } from '../../src/embedded/upstream-dns';
import type { EmbeddedProcess } from '../../src/embedded/child-process';
import { CaddyDriver } from '../../src/proxy/caddy/caddy-driver';
import { echoUpstreams } from '../support/echo-upstreams';
import { readWorld } from '../support/world';
import { freeLoopbackPort } from '../support/free-port';
import { describeLoad, keepAliveLoad } from '../support/keepalive-load';
import { getThroughProxy } from '../support/proxy-client';
import { proxyScenarios, waitFor, type ProxyWorld } from '../support/proxy-scenarios';

const foreignServer = 'foreign_px_caddy';

async function admin(method: string, path: string, body?: unknown): Promise<string> {
  const response = await fetch(`http://${readWorld().caddyAdminAddress}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Caddy ${method} ${path}: HTTP ${response.status} ${text}`);
  return text;
}

/** The test world's Caddy, with a server of the user's own beside Berth's. */
async function useWorldCaddy(): Promise<ProxyWorld> {
  const world = readWorld();
  const port = await freeLoopbackPort();
  await admin('PUT', `/config/apps/http/servers/${foreignServer}`, {
    listen: [`127.0.0.1:${port}`],
    routes: [{ '@id': 'foreign_shop', match: [{ host: ['shop.px-caddy.test.localhost'] }], handle: [{ handler: 'static_response', body: "the user's shop" }] }],
    automatic_https: { disable: true },
  });
  return {
    proxyConfig: () => ({ adminUrl: `http://${world.caddyAdminAddress}`, listen: world.caddyListenAddress, server: 'berth-test', upstreamDns: world.upstreamDns }),
    foreignSnapshot: () => admin('GET', `/config/apps/http/servers/${foreignServer}`),
    async stop() {
      await admin('DELETE', `/config/apps/http/servers/${foreignServer}`);
    },
  };
}

// Switches go through the upstream responder: no Caddy reload, so not one kept-alive connection is reset.
proxyScenarios('caddy', useWorldCaddy, { reloadResets: false });

describe('the caddy driver with the upstream responder', () => {
  const world = readWorld();
  const target = { project: 'dnsdrv', environment: 'staging', hostname: 'dnsdrv.staging.test.localhost' };
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-upstream-dns-'));
  let address: { host: string; port: number };
  let responder: EmbeddedProcess | undefined;
  let upstreams: Awaited<ReturnType<typeof echoUpstreams>>;
  let driver: CaddyDriver;
  const startResponder = async () => {
    responder = await startUpstreamDns({ address, stateDir, logFile: path.join(stateDir, 'responder.log') });
  };
  const get = () => getThroughProxy(world.caddyListenAddress, target.hostname, '/');
  const served = async () => (await get()).body;
  const markerThroughProxy = () =>
    new Promise<string>((resolve, reject) => {
      const [host, port] = world.caddyListenAddress.split(':');
      http.get({ host, port: Number(port), path: '/', headers: { host: target.hostname }, agent: false }, (res) => {
        res.resume();
        resolve(String(res.headers['x-berth-upstream']));
      }).on('error', reject);
    });

  beforeAll(async () => {
    address = { host: '127.0.0.1', port: await freeLoopbackPort() };
    await startResponder();
    upstreams = await echoUpstreams(['a', 'b']);
    const [host, port] = world.caddyListenAddress.split(':');
    driver = new CaddyDriver(
      { adminUrl: `http://${world.caddyAdminAddress}`, listen: { host, port: Number(port) }, tls: 'off', server: 'berth-test', upstreamDns: { address, stateDir, confirmTimeoutMs: 500 } },
      pino({ level: 'silent' }),
    );
    await driver.point(target, [upstreams.addresses.a]);
  });
  afterAll(async () => {
    await driver?.remove(target);
    await responder?.stop();
    await upstreams?.stop();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('switches back and forth under 8 keep-alive connections without changing Caddy\'s config or failing one request', async () => {
    const configBefore = await admin('GET', '/config/');
    const loop = keepAliveLoad(world.caddyListenAddress, target.hostname, '/', { connections: 8, maxRequests: 40_000, maxMs: 30_000 });
    for (const name of ['b', 'a', 'b', 'a', 'b']) {
      await driver.point(target, [upstreams.addresses[name]]);
      await waitFor(async () => (await served()) === name, 5000);
    }
    const traffic = await loop.stop();

    console.log(describeLoad('caddy through the upstream responder, 5 switches', traffic));
    expect(traffic.failures).toEqual([]);
    expect(Object.keys(traffic.bodies).sort()).toEqual(['a', 'b']);
    expect(await admin('GET', '/config/')).toBe(configBefore);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.b]);
    expect(driver.answeredBy?.(await markerThroughProxy())).toBe(upstreams.addresses.b);
  });

  it('with the responder gone, Caddy serves the route\'s own upstreams, a switch writes them, and a restarted responder answers from its files', async () => {
    await responder?.stop();
    // The route still carries the upstream it was created with; that is what Caddy falls back to.
    await waitFor(async () => (await served()) === 'a', 5000);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.a]);

    await driver.point(target, [upstreams.addresses.b]);
    expect(await served()).toBe('b');
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.b]);

    await startResponder();
    await driver.point(target, [upstreams.addresses.a]);
    await waitFor(async () => (await served()) === 'a', 5000);
    expect(await driver.currentUpstreams(target)).toEqual([upstreams.addresses.a]);
  });
});
