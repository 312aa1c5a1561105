import { readWorld } from '../support/world';
import { freeLoopbackPort } from '../support/free-port';
import { proxyScenarios, type ProxyWorld } from '../support/proxy-scenarios';

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
