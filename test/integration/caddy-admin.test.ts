import pino from 'pino';
import { CaddyClient } from '../../src/proxy/caddy/caddy-client';
import { routeId } from '../../src/proxy/caddy/caddy-routes';
import { readWorld } from '../support/world';

const log = pino({ level: 'silent' });
const targets = Array.from({ length: 40 }, (_, i) => ({ project: 'caddyadmin', environment: `e${i}`, hostname: `e${i}.caddyadmin.test.localhost` }));

function client(): CaddyClient {
  const world = readWorld();
  return new CaddyClient({ adminUrl: `http://${world.caddyAdminAddress}`, server: 'berth-test', listen: world.caddyListenAddress, tls: 'off' }, log);
}

afterAll(async () => {
  await Promise.all(targets.map((target) => client().removeRoute(target)));
});

// Caddy 2.6 replaces its admin listener after each config change: 40 switches at once meet it closing.
test('40 switches at once through the real Caddy admin API all land, and 40 removals too', async () => {
  const caddy = client();
  const results = await Promise.allSettled(targets.map((target, i) => caddy.switchRoute(target, [`127.0.0.1:${31000 + i}`])));
  expect(results.filter((result) => result.status === 'rejected').map((result) => String((result as PromiseRejectedResult).reason))).toEqual([]);
  const owned = new Map((await caddy.listOwned()).map((route) => [route.ref, route.upstreams]));
  for (const [i, target] of targets.entries()) expect(owned.get(routeId(target))).toEqual([`127.0.0.1:${31000 + i}`]);

  const again = await Promise.allSettled(targets.map((target, i) => caddy.switchRoute(target, [`127.0.0.1:${32000 + i}`])));
  expect(again.filter((result) => result.status === 'rejected')).toEqual([]);
  expect((await caddy.currentUpstreams(targets[7]))).toEqual(['127.0.0.1:32007']);

  const removed = await Promise.allSettled(targets.map((target) => caddy.removeRoute(target)));
  expect(removed.filter((result) => result.status === 'rejected')).toEqual([]);
  const left = (await caddy.listOwned()).filter((route) => route.ref.includes('caddyadmin'));
  expect(left).toEqual([]);
});
