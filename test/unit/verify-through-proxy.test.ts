import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SwitchNotVisibleError, verifyThroughProxy } from '../../src/activities/verify-through-proxy';
import type { HostDeps } from '../../src/activities/host-deps';
import type { DeploySpec } from '../../src/model/types';
import { upstreamOfDial } from '../../src/proxy/dns/upstream-names';

/** A stand-in proxy whose answers carry the scripted markers in turn (the last one repeats). */
async function scriptedProxy(markers: string[]): Promise<{ listen: string; served: () => number; close: () => Promise<void> }> {
  let served = 0;
  const server = http.createServer((_request, response) => {
    response.setHeader('X-Berth-Upstream', markers[Math.min(served, markers.length - 1)]);
    served += 1;
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    listen: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const spec = { hostname: 'web.staging.localhost', health: { path: '/health', timeoutMs: 1000 } } as unknown as DeploySpec;
const depsFor = (listen: string, answeredBy?: (marker: string) => string) =>
  ({ address: '127.0.0.1', proxy: { listen, markerHeader: 'X-Berth-Upstream', answeredBy } }) as unknown as HostDeps;

describe('verify through the proxy with a per-answer marker', () => {
  it('needs three answers in a row from the new upstreams; one from elsewhere starts the count again', async () => {
    const proxy = await scriptedProxy([
      'ip-127-0-0-1.berth.:21001',
      'ip-127-0-0-1.berth.:21002',
      'ip-127-0-0-1.berth.:21001',
      'ip-127-0-0-1.berth.:21002',
      '127.0.0.1:21002',
      'ip-127-0-0-1.berth.:21002',
    ]);
    try {
      expect(await verifyThroughProxy(depsFor(proxy.listen, upstreamOfDial), spec, ['127.0.0.1:21002'], { requireHealthy: true, intervalMs: 1 })).toEqual({ attempts: 6 });
    } finally {
      await proxy.close();
    }
  });

  it('accepts a statically written route that names only expected upstreams, and never one from elsewhere', async () => {
    const proxy = await scriptedProxy(['127.0.0.1:21002, 127.0.0.1:21003']);
    const stale = await scriptedProxy(['127.0.0.1:21001']);
    try {
      expect(await verifyThroughProxy(depsFor(proxy.listen, upstreamOfDial), spec, ['127.0.0.1:21002', '127.0.0.1:21003'], { requireHealthy: true })).toEqual({ attempts: 3 });
      await expect(verifyThroughProxy(depsFor(stale.listen, upstreamOfDial), spec, ['127.0.0.1:21002'], { requireHealthy: true, timeoutMs: 200, intervalMs: 20 })).rejects.toThrow(SwitchNotVisibleError);
    } finally {
      await proxy.close();
      await stale.close();
    }
  });

  it('takes one answer naming the whole list when the marker is not per answer', async () => {
    const proxy = await scriptedProxy(['127.0.0.1:21001', '127.0.0.1:21002']);
    try {
      expect(await verifyThroughProxy(depsFor(proxy.listen), spec, ['127.0.0.1:21002'], { requireHealthy: true, intervalMs: 1 })).toEqual({ attempts: 2 });
    } finally {
      await proxy.close();
    }
  });
});
