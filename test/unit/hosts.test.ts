import { ConfigError, parseConfig } from '../../src/config/load-config';
import { hostEntries, pollerFreshMs, workerView } from '../../src/api/hosts';
import { selectWorkers } from '../../src/worker/worker-selection';

const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: {
    app1: {},
    app2: { docker: 'unix:///run/docker-app2.sock', address: '10.0.0.12', hostTimeout: '30s', proxy: { driver: 'caddy', adminUrl: 'http://127.0.0.1:2119', listen: '127.0.0.1:8188' } },
  },
  projects: {
    web: {
      image: 'r/web',
      environments: { staging: { host: 'app1', hostname: 'staging.web' }, production: { host: 'app2', hostname: 'web' } },
    },
  },
});

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('hosts', () => {
  it('reads address and hostTimeout per host, with loopback and ten minutes by default', () => {
    expect([config.hosts.app1.address, config.hosts.app1.hostTimeout]).toEqual(['127.0.0.1', 600_000]);
    expect([config.hosts.app2.address, config.hosts.app2.hostTimeout]).toEqual(['10.0.0.12', 30_000]);
    expect(problems(() => parseConfig({ ...config, hosts: { app1: { address: 'http://x/' } } }))).toContain(
      'hosts/app1/address: should be a host name or IP address, like 127.0.0.1 or 10.0.0.12',
    );
  });

  it('selects what a worker process polls from --host, BERTH_HOSTS and --workflows', () => {
    const hosts = ['app1', 'app2'];
    expect(selectWorkers([], undefined, hosts)).toEqual({ workflows: true, hosts });
    expect(selectWorkers(['--host', 'app2'], undefined, hosts)).toEqual({ workflows: false, hosts: ['app2'] });
    expect(selectWorkers(['--host=app1,app2', '--workflows'], undefined, hosts)).toEqual({ workflows: true, hosts });
    expect(selectWorkers([], 'app2', hosts)).toEqual({ workflows: false, hosts: ['app2'] });
    expect(selectWorkers(['--host', 'app1'], 'app2', hosts)).toEqual({ workflows: false, hosts: ['app1'] });
    expect(selectWorkers(['--workflows'], undefined, hosts)).toEqual({ workflows: true, hosts: [] });
    expect(problems(() => selectWorkers(['--host', 'app3', '--fast'], undefined, hosts))).toEqual([
      'unknown argument "--fast"; use --host <name>[,<name>] and --workflows',
      '--host: unknown host "app3"; hosts are: app1, app2',
    ]);
  });

  it('lists each host with the environments that name it', () => {
    expect(hostEntries(config)).toEqual([
      { name: 'app1', address: '127.0.0.1', taskQueue: 'berth-host-app1', environments: [{ project: 'web', environment: 'staging', hostname: 'staging.web' }] },
      { name: 'app2', address: '10.0.0.12', taskQueue: 'berth-host-app2', environments: [{ project: 'web', environment: 'production', hostname: 'web' }] },
    ]);
  });

  it('counts a worker as polling only when a poller was seen recently', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const at = (ago: number) => new Date(now - ago);
    expect(workerView([], now)).toEqual({ polling: false, lastSeen: null, identities: [] });
    expect(workerView([{ identity: '1@app2', lastAccessTime: at(1000) }, { identity: '1@app2', lastAccessTime: at(2000) }], now)).toEqual({
      polling: true,
      lastSeen: '2026-01-01T11:59:59.000Z',
      identities: ['1@app2'],
    });
    expect(workerView([{ identity: 'gone@app2', lastAccessTime: at(pollerFreshMs + 1) }], now)).toEqual({ polling: false, lastSeen: at(pollerFreshMs + 1).toISOString(), identities: [] });
  });
});
