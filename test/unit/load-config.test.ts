import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';

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

describe('parseConfig', () => {
  it('looks up projects, environments, hosts and registries by the names configured only, never by an Object method', () => {
    const config = parseConfig(valid);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect([config.projects[name], config.projects.web.environments[name], config.hosts[name], config.registries[name]]).toEqual([undefined, undefined, undefined, undefined]);
    }
    expect(Object.keys(config.projects)).toEqual(['web']);
    expect(config.projects.web.environments.staging.hostname).toBe('web.staging.localhost');
  });

  it('applies defaults and converts durations to milliseconds', () => {
    const config = parseConfig(valid);
    expect(config.projects.web.environments.staging.health).toEqual({ path: '/health', interval: 200, timeout: 2000, retries: 25, startPeriod: 0, monitor: 10000, monitorFailures: 3 });
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
    expect(config.projects.web.environments.staging.keep).toBe(3);
    expect(config.projects.web.environments.staging.approval).toBe('none');
  });

  it('names the path of every problem', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.health.interval = 'fast';
    raw.hosts.local.ports = '5-2';
    raw.api.tokens[0].secret = 'plaintext';
    expect(configIssues(raw)).toEqual([
      'api/tokens/0/secret: should be a secret reference: env:NAME or file:/path',
      'hosts/local/ports: "5-2" should be a port range like 21000-21999 within 1024-65535',
      'projects/web/health/interval: "fast" is not a duration like 200ms, 2s, 5m or 1h',
    ]);
  });

  it('takes the workflow cache size, and refuses one the SDK cannot use', () => {
    expect(parseConfig({ ...valid, temporal: { maxCachedWorkflows: 500 } }).temporal?.maxCachedWorkflows).toBe(500);
    expect(configIssues({ ...valid, temporal: { maxCachedWorkflows: 1 } })).toEqual(['temporal/maxCachedWorkflows: Too small: expected number to be >=2']);
  });

  it('refuses an environment on an unknown host', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.environments.staging.host = 'elsewhere';
    expect(configIssues(raw)).toEqual(['projects/web/environments/staging/host: unknown host "elsewhere"; hosts are: local']);
  });

  it('refuses unknown keys, so typos do not pass silently', () => {
    const raw = structuredClone(valid) as Record<string, any>;
    raw.projects.web.helth = {};
    expect(configIssues(raw)).toEqual(['projects/web: Unrecognized key: "helth"']);
  });
});

describe('settings per environment, defaults per project', () => {
  const layered = {
    ...valid,
    hosts: { ...valid.hosts, edge: { ports: '22000-22099' } },
    projects: {
      web: {
        image: '127.0.0.1:5000/fixture/web',
        host: 'local',
        health: { path: '/health', interval: '200ms' },
        env: { LOG_LEVEL: 'info', REGION: 'eu' },
        secrets: { DATABASE_URL: 'env:WEB_STAGING_DB', API_KEY: 'env:WEB_API_KEY' },
        migrations: { database: 'env:WEB_STAGING_DB', command: ['/app/migrate', 'up'], down: ['/app/migrate', 'down'] },
        reconcile: { interval: '5s' },
        approvalTimeout: '1h',
        environments: {
          staging: { hostname: 'web.staging.localhost' },
          production: {
            hostname: 'web.localhost',
            host: 'edge',
            approval: 'required',
            health: { readyPath: '/ready' },
            env: { REGION: 'us' },
            secrets: { DATABASE_URL: 'env:WEB_PRODUCTION_DB' },
            migrations: { database: 'env:WEB_PRODUCTION_DB', lockTimeout: '10s' },
            reconcile: { maxHeals: 5 },
            keep: 5,
          },
        },
      },
    },
  };

  it('gives each environment the nearest setting, merging maps and blocks key by key', () => {
    const { staging, production } = parseConfig(layered).projects.web.environments;

    expect(staging).toMatchObject({ host: 'local', keep: 3, approval: 'none', approvalTimeout: 3_600_000, reconcile: { interval: 5000, maxHeals: 3, healWindow: 600_000 } });
    expect(production).toMatchObject({ host: 'edge', keep: 5, approval: 'required', approvalTimeout: 3_600_000, reconcile: { interval: 5000, maxHeals: 5, healWindow: 600_000 } });
    expect(staging.health).toEqual({ path: '/health', interval: 200, timeout: 2000, retries: 30, startPeriod: 0, monitor: 10000, monitorFailures: 3 });
    expect(production.health).toEqual({ ...staging.health, readyPath: '/ready' });
    expect(staging.env).toEqual({ LOG_LEVEL: 'info', REGION: 'eu' });
    expect(production.env).toEqual({ LOG_LEVEL: 'info', REGION: 'us' });
    expect(staging.secrets).toEqual({ DATABASE_URL: 'env:WEB_STAGING_DB', API_KEY: 'env:WEB_API_KEY' });
    expect(production.secrets).toEqual({ DATABASE_URL: 'env:WEB_PRODUCTION_DB', API_KEY: 'env:WEB_API_KEY' });
    expect(staging.migrations).toMatchObject({ database: 'env:WEB_STAGING_DB', command: ['/app/migrate', 'up'], lockTimeout: 5000 });
    expect(production.migrations).toMatchObject({ database: 'env:WEB_PRODUCTION_DB', command: ['/app/migrate', 'up'], lockTimeout: 10_000 });
  });

  it('names the level a bad setting was written at', () => {
    const raw = structuredClone(layered) as Record<string, any>;
    raw.projects.web.environments.production.health.interval = 'soon';
    raw.projects.web.environments.production.secrets.API_KEY = 'hunter2';
    raw.projects.web.environments.staging.reconcile = { every: '1s' };
    raw.projects.web.keep = 0;
    expect(configIssues(raw)).toEqual([
      'projects/web/keep: Too small: expected number to be >=1',
      'projects/web/environments/staging/reconcile: Unrecognized key: "every"',
      'projects/web/environments/production/health/interval: "soon" is not a duration like 200ms, 2s, 5m or 1h',
      'projects/web/environments/production/secrets/API_KEY: should be a secret reference: env:NAME or file:/path',
    ]);
  });

  it('checks a block that is only wrong once merged where it was set', () => {
    const raw = structuredClone(layered) as Record<string, any>;
    raw.projects.web.environments.production.migrations.dir = '/app/migrations';
    delete raw.projects.web.environments.staging.hostname;
    delete raw.projects.web.host;
    expect(configIssues(raw)).toEqual(['projects/web/environments/staging/hostname: Invalid input: expected string, received undefined']);
    raw.projects.web.environments.staging.hostname = 'web.staging.localhost';
    expect(configIssues(raw)).toEqual([
      'projects/web/environments/staging/host: Invalid input: expected string, received undefined',
      'projects/web/environments/production/migrations: should set exactly one of command (your migration tool) or dir (Berth applies NNN_name.up.sql files)',
      'projects/web/environments/production/migrations/down: is for command only; with dir, the downs are the NNN_name.down.sql files',
    ]);
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
