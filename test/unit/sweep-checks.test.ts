import { dueForProbe, healthDrift, imageDrift, servedReleases, type Served } from '../../src/worker/sweep-checks';
import type { SweptEnvironment } from '../../src/worker/host-sweep';
import type { ReleaseContainer } from '../../src/model/types';

const health = { path: '/health', timeoutMs: 1000 };
const env = (environment: string): SweptEnvironment => ({ project: 'web', environment, hostname: `${environment}.web.test`, health, probeEveryMs: 600_000 });
const release = (name: string, port: number, running = true, imageId = 'sha256:good'): ReleaseContainer => ({
  id: `${name}-id`,
  name,
  release: name,
  image: '127.0.0.1:5000/fixture/web:v1',
  digest: 'sha256:d1',
  imageId,
  port,
  running,
  createdAt: '2026-11-30T00:00:00.000Z',
});
const route = (environment: string, ...ports: number[]) => ({ ref: `berth_${environment}`, hostname: `${environment}.web.test`, upstreams: ports.map((port) => `127.0.0.1:${port}`) });

describe('servedReleases', () => {
  it('keeps the running releases each route points at, with the environment\'s place among the host\'s', () => {
    const releases = new Map([
      ['web/a', [release('a2', 21002), release('a1', 21001)]],
      ['web/b', [release('b1', 21011, false)]],
      ['web/c', [release('c1', 21021)]],
    ]);
    const served = servedReleases([env('a'), env('b'), env('c')], releases, [route('a', 21002), route('b', 21011)]);
    expect(served.map(({ environment, index, releases: r }) => [environment.environment, index, r.map((x) => x.name)])).toEqual([['a', 0, ['a2']]]);
  });
});

describe('dueForProbe', () => {
  it('probes each environment once per probe interval, the host\'s environments taking turns', () => {
    const probedIn = (sweep: number) => [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].filter((index) => dueForProbe(index, sweep, 600_000, 60_000));
    expect(probedIn(0)).toEqual([0, 10]);
    expect(probedIn(3)).toEqual([3]);
    expect(probedIn(10)).toEqual([0, 10]);
    // A probe interval at or below the sweep's probes every environment every sweep.
    expect([0, 1, 2].every((index) => dueForProbe(index, 7, 1000, 60_000))).toBe(true);
  });
});

describe('imageDrift', () => {
  const served = (name: string, imageId: string): Served => ({ environment: env(name), index: 0, releases: [release(name, 21000, true, imageId)] });

  it('names a served release that runs another image than its digest names, looking each digest up once', async () => {
    const lookups: string[] = [];
    const idOf = async (ref: string) => {
      lookups.push(ref);
      return 'sha256:good';
    };
    expect(await imageDrift([served('a', 'sha256:good'), served('b', 'sha256:other')], idOf)).toEqual([{ project: 'web', environment: 'b', why: 'b runs another image than its digest' }]);
    expect(lookups).toEqual(['127.0.0.1:5000/fixture/web@sha256:d1']);
  });

  it('passes a release whose recorded image is no longer here or cannot be read', async () => {
    expect(await imageDrift([served('a', 'sha256:other')], async () => undefined)).toEqual([]);
    expect(await imageDrift([served('a', 'sha256:other')], async () => Promise.reject(new Error('daemon gone')))).toEqual([]);
  });
});

describe('healthDrift', () => {
  it('probes each served release with a port on the host address and names environments with a failing one, once each', async () => {
    const probed: string[] = [];
    const probe = async (url: string, timeoutMs: number) => {
      probed.push(`${url} ${timeoutMs}`);
      return url.includes(':21011') || url.includes(':21012') ? 'HTTP 404' : undefined;
    };
    const served: Served[] = [
      { environment: env('a'), index: 0, releases: [release('a1', 21001)] },
      { environment: env('b'), index: 1, releases: [release('b1', 21011), release('b2', 21012)] },
    ];
    expect(await healthDrift(served, '::1', probe, 1)).toEqual([{ project: 'web', environment: 'b', why: 'b1 fails its health check: HTTP 404' }]);
    // b2 was not probed: b was already drifted.
    expect(probed).toEqual(['http://[::1]:21001/health 1000', 'http://[::1]:21011/health 1000']);
  });
});
