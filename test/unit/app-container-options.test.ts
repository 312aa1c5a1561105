import { buildContainerOptions } from '../../src/docker/container-spec';
import { candidateOf, rolesOf } from '../../src/activities/app-release';
import type { AppSpec } from '../../src/model/app-types';
import type { DeploySpec } from '../../src/model/types';
import { deploySpec } from '../workflows/specs';

const digest = 'sha256:' + 'b'.repeat(64);
const pinnedRef = `127.0.0.1:5000/fixture/web@${digest}`;
const rotation = { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } };

function appOf(overrides: Partial<AppSpec> = {}): AppSpec {
  return { replicas: 2, volumes: [], labels: {}, processes: {}, ...overrides };
}

/** The workflow tests' deploy, as the fixture image's release 07 with one env var. */
function specFor(app: AppSpec | undefined): DeploySpec {
  return deploySpec({ deploymentId: 'web-staging-07', image: '127.0.0.1:5000/fixture/web:v1', env: { MODE: 'x' }, ...(app && { app }) });
}

const berthLabels = (extra: Record<string, string>) => ({
  'berth.managed': 'true',
  'berth.project': 'web',
  'berth.environment': 'staging',
  'berth.release': 'web-staging-07',
  'berth.deployment': 'web-staging-07',
  'berth.image': '127.0.0.1:5000/fixture/web:v1',
  'berth.digest': digest,
  ...extra,
});

describe('container options from app settings', () => {
  it('gives every container log rotation, json-file 10m x 3, when logging is unset', () => {
    const options = buildContainerOptions({ spec: specFor(undefined), pinnedRef, digest, port: 21001, env: {} });
    expect(options.HostConfig).toEqual({ NetworkMode: 'host', RestartPolicy: { Name: 'no' }, LogConfig: rotation });
  });

  it('builds a second web replica: its own name, port, labels and BERTH_REPLICA', () => {
    const options = buildContainerOptions({ spec: specFor(appOf()), pinnedRef, digest, port: 21002, env: { MODE: 'x' }, role: { process: 'web', replica: 1 } });
    expect(options).toEqual({
      name: 'berth-web-staging-07-web-1',
      Image: pinnedRef,
      Env: ['BERTH_PROCESS=web', 'BERTH_REPLICA=web-1', 'MODE=x', 'PORT=21002'],
      Labels: berthLabels({ 'berth.process': 'web', 'berth.replica': '1', 'berth.port': '21002' }),
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' }, LogConfig: rotation },
    });
  });

  it('keeps the one-container name for web replica 0', () => {
    const options = buildContainerOptions({ spec: specFor(appOf()), pinnedRef, digest, port: 21001, env: {}, role: { process: 'web', replica: 0 } });
    expect(options.name).toBe('berth-web-staging-07');
  });

  it('maps cmd, volumes, resources, logging, user and labels to Docker fields', () => {
    const app = appOf({
      cmd: ['/app/start', 'web'],
      replicas: 1,
      volumes: ['/srv/web/uploads:/app/uploads', 'web-cache:/cache:ro'],
      resources: { memoryBytes: 536870912, nanoCpus: 1_000_000_000 },
      logging: { driver: 'local', options: { 'max-size': '5m', 'max-file': '2' } },
      user: '1000:1000',
      labels: { team: 'web' },
    });
    const options = buildContainerOptions({ spec: specFor(app), pinnedRef, digest, port: 21001, env: {}, role: { process: 'web', replica: 0 } });
    expect(options).toEqual({
      name: 'berth-web-staging-07',
      Image: pinnedRef,
      Cmd: ['/app/start', 'web'],
      User: '1000:1000',
      Env: ['BERTH_PROCESS=web', 'BERTH_REPLICA=web-0', 'PORT=21001'],
      Labels: berthLabels({ team: 'web', 'berth.process': 'web', 'berth.replica': '0', 'berth.port': '21001' }),
      HostConfig: {
        NetworkMode: 'host',
        RestartPolicy: { Name: 'no' },
        Binds: ['/srv/web/uploads:/app/uploads', 'web-cache:/cache:ro'],
        Memory: 536870912,
        NanoCpus: 1_000_000_000,
        LogConfig: { Type: 'local', Config: { 'max-size': '5m', 'max-file': '2' } },
      },
    });
  });

  it('builds a process: its cmd, env and resources, no port, a healthcheck when set', () => {
    const app = appOf({
      cmd: ['/app/start'],
      resources: { memoryBytes: 536870912 },
      volumes: ['/srv/data:/data'],
      processes: { worker: { cmd: ['/app/start', 'worker'], replicas: 1, resources: { memoryBytes: 268435456 }, env: { QUEUE: 'mail' }, graceMs: 10000, healthcheck: ['test', '-f', '/tmp/ready'] } },
    });
    const options = buildContainerOptions({ spec: specFor(app), pinnedRef, digest, env: { MODE: 'x' }, role: { process: 'worker', replica: 0 } });
    expect(options).toEqual({
      name: 'berth-web-staging-07-worker-0',
      Image: pinnedRef,
      Cmd: ['/app/start', 'worker'],
      Healthcheck: { Test: ['CMD', 'test', '-f', '/tmp/ready'], Interval: 1e9, Timeout: 5e9, Retries: 3, StartPeriod: 0 },
      Env: ['BERTH_PROCESS=worker', 'BERTH_REPLICA=worker-0', 'MODE=x', 'QUEUE=mail'],
      Labels: berthLabels({ 'berth.process': 'worker', 'berth.replica': '0' }),
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' }, Binds: ['/srv/data:/data'], Memory: 268435456, LogConfig: rotation },
    });
  });

  it('refuses a process the spec does not name', () => {
    expect(() => buildContainerOptions({ spec: specFor(appOf()), pinnedRef, digest, env: {}, role: { process: 'mailer', replica: 0 } })).toThrow('release web-staging-07 has no process "mailer"');
  });
});

describe('release roles and candidates', () => {
  it('lists web replicas first, then each process by name', () => {
    const app = appOf({ processes: { worker: { replicas: 2, env: {}, graceMs: 1 }, cron: { replicas: 1, env: {}, graceMs: 1 } } });
    expect(rolesOf(app)).toEqual([
      { process: 'web', replica: 0 },
      { process: 'web', replica: 1 },
      { process: 'cron', replica: 0 },
      { process: 'worker', replica: 0 },
      { process: 'worker', replica: 1 },
    ]);
  });

  it('makes one candidate of a release: replica 0 first, every upstream, the processes', () => {
    const base = { release: 'r', image: 'i', digest, running: true, createdAt: '' };
    const candidate = candidateOf(
      specFor(appOf()),
      [
        { ...base, id: 'c3', name: 'berth-r-worker-0', process: 'worker', replica: 0 },
        { ...base, id: 'c2', name: 'berth-r-web-1', process: 'web', replica: 1, port: 21002 },
        { ...base, id: 'c1', name: 'berth-r', process: 'web', replica: 0, port: 21001 },
      ],
      '127.0.0.1',
    );
    expect(candidate).toEqual({
      containerId: 'c1',
      containerName: 'berth-r',
      port: 21001,
      upstream: '127.0.0.1:21001,127.0.0.1:21002',
      replicas: [
        { containerId: 'c1', containerName: 'berth-r', port: 21001, upstream: '127.0.0.1:21001' },
        { containerId: 'c2', containerName: 'berth-r-web-1', port: 21002, upstream: '127.0.0.1:21002' },
      ],
      processes: [{ containerId: 'c3', containerName: 'berth-r-worker-0', process: 'worker', replica: 0 }],
    });
  });
});
