import { parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';
import { buildDeploySpec } from '../../src/config/deploy-spec';

function configWith(project: Record<string, unknown>, environment: Record<string, unknown> = {}) {
  return {
    api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
    hosts: { local: {} },
    projects: {
      web: { image: '127.0.0.1:5000/fixture/web', ...project, environments: { staging: { host: 'local', hostname: 'web.staging.localhost', ...environment } } },
    },
  };
}

function appOf(raw: unknown) {
  return buildDeploySpec(parseConfig(raw), { project: 'web', environment: 'staging', tag: 'v1' }, { deploymentId: 'd1', requestedBy: 'ci' }).app;
}

describe('app settings in the config', () => {
  it('leaves the spec without app settings when a project sets none', () => {
    expect(appOf(configWith({}))).toBeUndefined();
  });

  it('turns the issue example into the spec, the environment overriding replicas', () => {
    const app = appOf(
      configWith(
        {
          cmd: ['node', 'server.js'],
          replicas: 2,
          volumes: ['/srv/web/uploads:/app/uploads', 'web-cache:/cache'],
          resources: { memory: '512m', cpus: 1.0 },
          logging: { driver: 'json-file', maxSize: '20m' },
          user: '1000:1000',
          labels: { team: 'web' },
          processes: {
            worker: { cmd: ['node', 'worker.js'], replicas: 1, resources: { memory: '256m' } },
            scheduler: { cmd: ['node', 'cron.js'], grace: '3s', env: { TZ: 'UTC' } },
          },
        },
        { replicas: 1 },
      ),
    );
    expect(app).toEqual({
      cmd: ['node', 'server.js'],
      replicas: 1,
      volumes: ['/srv/web/uploads:/app/uploads', 'web-cache:/cache'],
      resources: { memoryBytes: 512 * 1024 ** 2, nanoCpus: 1_000_000_000 },
      logging: { driver: 'json-file', options: { 'max-size': '20m', 'max-file': '3' } },
      user: '1000:1000',
      labels: { team: 'web' },
      processes: {
        worker: { cmd: ['node', 'worker.js'], replicas: 1, resources: { memoryBytes: 256 * 1024 ** 2, nanoCpus: 1_000_000_000 }, env: {}, graceMs: 10_000 },
        scheduler: { cmd: ['node', 'cron.js'], replicas: 1, resources: { memoryBytes: 512 * 1024 ** 2, nanoCpus: 1_000_000_000 }, env: { TZ: 'UTC' }, graceMs: 3000 },
      },
    });
  });

  it('names the path of every problem', () => {
    const raw = configWith(
      {
        replicas: 0,
        volumes: ['relative/path:/data', '/srv/ok:/data', '/srv/x:data'],
        resources: { memory: '12 parsecs', cpus: 0 },
        logging: { driver: 'syslog', maxFiles: 3 },
        user: 'root user',
        labels: { 'berth.release': 'mine' },
        processes: { web: {}, worker: { cmd: [], replicas: 0 } },
      },
    );
    expect(configIssues(raw).sort()).toEqual(
      [
        'projects/web/replicas: Too small: expected number to be >=1',
        'projects/web/volumes/0: should be source:target or source:target:ro, the source an absolute path or a volume name, the target an absolute path',
        'projects/web/volumes/2: should be source:target or source:target:ro, the source an absolute path or a volume name, the target an absolute path',
        'projects/web/resources/memory: "12 parsecs" should be a memory size of at least 6m, like 256m or 1g',
        'projects/web/resources/cpus: should be more than 0, like 0.5 or 2',
        'projects/web/logging/maxFiles: only json-file and local rotate; driver syslog has no maxFiles',
        'projects/web/user: should be a user, uid or uid:gid, like 1000:1000',
        'projects/web/labels/berth.release: berth.* labels are Berth\'s own',
        'projects/web/processes/web: web is the process behind the proxy; name background processes otherwise',
        'projects/web/processes/worker/cmd: should name a program and its arguments, like ["node", "server.js"]',
        'projects/web/processes/worker/replicas: Too small: expected number to be >=1',
      ].sort(),
    );
  });

  it('names the environment when the problem is in its overrides', () => {
    expect(configIssues(configWith({}, { processes: { Bad_Name: {}, mailer: { grace: 'soon' }, cron: { grace: '1m' } } })).sort()).toEqual([
      'projects/web/environments/staging/processes/Bad_Name: should be lowercase letters, digits and dashes',
      'projects/web/environments/staging/processes/cron/grace: should be at most 30s',
      'projects/web/environments/staging/processes/mailer/grace: "soon" is not a duration like 200ms, 2s, 5m or 1h',
    ]);
  });

  it('refuses replicas behind Nginx Proxy Manager, which forwards to one target', () => {
    const raw = { ...configWith({ replicas: 2 }, {}), proxy: { driver: 'npm', url: 'http://127.0.0.1:81', identity: 'env:NPM_EMAIL', secret: 'env:NPM_PASSWORD' } };
    expect(configIssues(raw)).toEqual([
      'projects/web/environments/staging/replicas: 2 replicas need a proxy that balances (caddy or nginx); Nginx Proxy Manager forwards to one target',
    ]);
    expect(appOf({ ...raw, projects: { web: { ...raw.projects.web, replicas: 1 } } })?.replicas).toBe(1);
  });
});
