import type Dockerode from 'dockerode';
import { releasesByEnvironment } from '../../src/docker/release-list';
import { findDrift as findDriftIn, sweptEnvironments, toSignal, type Signalled, type SweptEnvironment } from '../../src/worker/host-sweep';

/** The sweep reads one listing grouped by environment, as ContainerClient.allReleases does. */
function findDrift(environments: SweptEnvironment[], rows: Dockerode.ContainerInfo[], routes: Parameters<typeof findDriftIn>[2]) {
  return findDriftIn(environments, releasesByEnvironment(rows), routes);
}
import { parseConfig } from '../../src/config/load-config';

function row(project: string, environment: string, release: string, state: 'running' | 'exited', port: number): Dockerode.ContainerInfo {
  return {
    Id: `${release}-id`,
    Names: [`/berth-${release}`],
    Image: 'web',
    Created: 1,
    State: state,
    Labels: { 'berth.managed': 'true', 'berth.project': project, 'berth.environment': environment, 'berth.release': release, 'berth.port': String(port) },
  } as unknown as Dockerode.ContainerInfo;
}

const health = { path: '/health', timeoutMs: 1000 };
const environments: SweptEnvironment[] = [
  { project: 'web', environment: 'staging', hostname: 'staging.web.test', health, probeEveryMs: 600_000 },
  { project: 'web', environment: 'production', hostname: 'web.test', health, probeEveryMs: 600_000 },
];
const route = (hostname: string, port: number) => ({ ref: `berth_${hostname}`, hostname, upstreams: [`127.0.0.1:${port}`] });

describe('findDrift', () => {
  it('finds nothing when each environment runs the release its route points to, and skips environments never deployed', () => {
    const rows = [row('web', 'staging', 'r2', 'running', 21002), row('web', 'staging', 'r1', 'exited', 21001)];
    expect(findDrift(environments, rows, [route('staging.web.test', 21002)])).toEqual([]);
  });

  it('names an environment with no running release, a missing route, and a route to a stopped release', () => {
    const rows = [row('web', 'staging', 'r1', 'exited', 21001), row('web', 'production', 'p1', 'running', 21010)];
    expect(findDrift(environments, rows, [])).toEqual([
      { project: 'web', environment: 'staging', why: 'no release running' },
      { project: 'web', environment: 'production', why: 'route missing' },
    ]);
    const moved = [row('web', 'staging', 'r2', 'running', 21002), row('web', 'staging', 'r1', 'exited', 21001)];
    expect(findDrift(environments, moved, [route('staging.web.test', 21001)])).toEqual([{ project: 'web', environment: 'staging', why: 'route points to no running release' }]);
  });

  it('counts a route whose containers were all removed, and judges containers alone when the proxy could not be read', () => {
    expect(findDrift(environments, [], [route('web.test', 21010)])).toEqual([{ project: 'web', environment: 'production', why: 'no release running' }]);
    expect(findDrift(environments, [row('web', 'staging', 'r2', 'running', 21002)], undefined)).toEqual([]);
  });

  it('matches a named-network upstream by container name', () => {
    const rows = [{ ...row('web', 'staging', 'r3', 'running', 0), Labels: { ...row('web', 'staging', 'r3', 'running', 0).Labels, 'berth.port': '' } }];
    expect(findDrift(environments, rows, [{ ref: 'x', hostname: 'staging.web.test', upstreams: ['berth-r3:8080'] }])).toEqual([]);
  });
});

describe('sweptEnvironments', () => {
  it('lists the environments on one host with their hostnames, health paths and probe intervals', () => {
    const config = parseConfig({
      api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
      hosts: { a: { docker: 'unix:///var/run/docker.sock' }, b: { docker: 'unix:///var/run/other.sock' } },
      projects: {
        web: {
          image: 'registry.test/web',
          health: { path: '/live', timeout: '3s' },
          environments: { staging: { host: 'a', hostname: 'staging.web.test', reconcile: { probe: '2m' } }, production: { host: 'b', hostname: 'web.test' } },
        },
      },
    });
    expect(sweptEnvironments(config, 'a')).toEqual([{ project: 'web', environment: 'staging', hostname: 'staging.web.test', health: { path: '/live', timeoutMs: 3000 }, probeEveryMs: 120_000 }]);
    expect(sweptEnvironments(config, 'b')[0].probeEveryMs).toBe(600_000);
  });
});

describe('toSignal', () => {
  const drift = (environment: string, why: string) => ({ project: 'web', environment, why });

  it('signals lasting drift again only after the repeat interval, another kind at once, and forgets what was healed', () => {
    const signalled: Signalled = new Map();
    expect(toSignal([drift('a', 'route missing')], signalled, 0, 600_000)).toEqual([drift('a', 'route missing')]);
    expect(toSignal([drift('a', 'route missing')], signalled, 60_000, 600_000)).toEqual([]);
    expect(toSignal([drift('a', 'route missing')], signalled, 600_000, 600_000)).toEqual([drift('a', 'route missing')]);
    expect(toSignal([drift('a', 'r1 fails its health check: HTTP 404')], signalled, 660_000, 600_000)).toEqual([drift('a', 'r1 fails its health check: HTTP 404')]);
    expect(toSignal([], signalled, 720_000, 600_000)).toEqual([]);
    expect(signalled.size).toBe(0);
    expect(toSignal([drift('a', 'r1 fails its health check: HTTP 404')], signalled, 780_000, 600_000)).toHaveLength(1);
  });
});
