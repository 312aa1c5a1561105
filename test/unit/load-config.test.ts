import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load-config';

const valid = {
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: { docker: 'unix:///var/run/docker.sock', network: 'host', ports: '21000-21999' } },
  projects: {
    web: {
      image: '127.0.0.1:5000/fixture/web',
      health: { path: '/health', interval: '200ms', timeout: '2s', retries: 25 },
      environments: { staging: { host: 'local', hostname: 'web.staging.localhost' } },
    },
  },
};

function issuesOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies defaults and converts durations to milliseconds', () => {
    const config = parseConfig(valid);
    expect(config.projects.web.health).toEqual({ path: '/health', interval: 200, timeout: 2000, retries: 25, startPeriod: 0, monitor: 10000, monitorFailures: 3 });
    expect(config.hosts.local.ports).toEqual({ from: 21000, to: 21999 });
    expect(config.proxy).toEqual({
      driver: 'caddy',
      adminUrl: 'http://127.0.0.1:2019',
      listen: { host: '127.0.0.1', port: 8088 },
      tls: 'off',
      server: 'berth',
    });
    expect(config.api.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.temporal).toBeUndefined();
    expect(config.projects.web.keep).toBe(3);
    expect(config.projects.web.environments.staging.approval).toBe('none');
  });

  it('names the path of every problem', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.health.interval = 'fast';
    raw.hosts.local.ports = '5-2';
    raw.api.tokens[0].secret = 'plaintext';
    expect(issuesOf(raw)).toEqual([
      'api/tokens/0/secret: should be a secret reference: env:NAME or file:/path',
      'hosts/local/ports: "5-2" should be a port range like 21000-21999 within 1024-65535',
      'projects/web/health/interval: "fast" is not a duration like 200ms, 2s, 5m or 1h',
    ]);
  });

  it('refuses an environment on an unknown host', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.environments.staging.host = 'elsewhere';
    expect(issuesOf(raw)).toEqual(['projects/web/environments/staging/host: unknown host "elsewhere"; hosts are: local']);
  });

  it('refuses unknown keys, so typos do not pass silently', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.helth = {};
    expect(issuesOf(raw)).toEqual(['projects/web: Unrecognized key: "helth"']);
  });
});

describe('loadConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));

  it('reads the file named by BERTH_CONFIG', () => {
    const path = join(dir, 'ok.yaml');
    writeFileSync(path, JSON.stringify(valid));
    expect(loadConfig({ BERTH_CONFIG: path }).projects.web.image).toBe('127.0.0.1:5000/fixture/web');
  });

  it('says which file is missing', () => {
    expect(() => loadConfig({ BERTH_CONFIG: join(dir, 'absent.yaml') })).toThrow(/cannot read .*absent\.yaml/);
  });

  it('reports YAML syntax errors with the file name', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'projects: [unclosed');
    expect(() => loadConfig({ BERTH_CONFIG: path })).toThrow(/broken\.yaml:\n {2}not valid YAML/);
  });
});
