import { buildContainerOptions, portOfUpstream, upstreamFor } from '../../src/docker/container-spec';
import { containerName, environmentFilters } from '../../src/docker/labels';
import { PermanentError } from '../../src/model/errors';
import type { DeploySpec } from '../../src/model/types';

const digest = 'sha256:' + 'a'.repeat(64);
const pinnedRef = `127.0.0.1:5000/fixture/web@${digest}`;

function specFor(overrides: Partial<DeploySpec> = {}): DeploySpec {
  return {
    deploymentId: 'web-staging-01',
    project: 'web',
    environment: 'staging',
    image: '127.0.0.1:5000/fixture/web:v1',
    requestedBy: 'ci',
    approval: 'none',
    approvalTimeoutMs: 60000,
    apiUrl: 'http://127.0.0.1:8080',
    host: 'local',
    hostname: 'web.staging.localhost',
    network: 'host',
    portRange: { from: 21000, to: 21999 },
    health: { path: '/health', intervalMs: 500, timeoutMs: 1000, retries: 3, startPeriodMs: 0, monitorMs: 0, monitorFailures: 3 },
    keep: 3,
    drainMs: 1000,
    stopTimeoutMs: 5000,
    env: {},
    secretEnv: {},
    ...overrides,
  };
}

describe('container spec', () => {
  it('builds host-network options with PORT, labels and env sorted by key', () => {
    const options = buildContainerOptions({ spec: specFor(), pinnedRef, digest, port: 21004, env: { ZED: 'z', API_KEY: 's3cret', MODE: 'x=y' } });
    expect(options).toEqual({
      name: 'berth-web-staging-01',
      Image: pinnedRef,
      Env: ['API_KEY=s3cret', 'MODE=x=y', 'PORT=21004', 'ZED=z'],
      Labels: {
        'berth.managed': 'true',
        'berth.project': 'web',
        'berth.environment': 'staging',
        'berth.release': 'web-staging-01',
        'berth.deployment': 'web-staging-01',
        'berth.image': '127.0.0.1:5000/fixture/web:v1',
        'berth.digest': digest,
        'berth.port': '21004',
      },
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' }, LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } },
    });
  });

  it('builds a recreated release under its own name and release label, the creating deployment kept apart', () => {
    const options = buildContainerOptions({ spec: specFor(), release: 'web-staging-00', pinnedRef, digest, port: 21002, env: {} });
    expect(options).toEqual({
      name: 'berth-web-staging-00',
      Image: pinnedRef,
      Env: ['PORT=21002'],
      Labels: {
        'berth.managed': 'true',
        'berth.project': 'web',
        'berth.environment': 'staging',
        'berth.release': 'web-staging-00',
        'berth.deployment': 'web-staging-01',
        'berth.image': '127.0.0.1:5000/fixture/web:v1',
        'berth.digest': digest,
        'berth.port': '21002',
      },
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'no' }, LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } },
    });
  });

  it('builds named-network options with the fixed container port and no port label', () => {
    const options = buildContainerOptions({ spec: specFor({ network: 'berth' }), pinnedRef, digest, port: 21004, env: { A: '1' } });
    expect(options).toEqual({
      name: 'berth-web-staging-01',
      Image: pinnedRef,
      Env: ['A=1', 'PORT=8080'],
      Labels: {
        'berth.managed': 'true',
        'berth.project': 'web',
        'berth.environment': 'staging',
        'berth.release': 'web-staging-01',
        'berth.deployment': 'web-staging-01',
        'berth.image': '127.0.0.1:5000/fixture/web:v1',
        'berth.digest': digest,
      },
      HostConfig: { NetworkMode: 'berth', RestartPolicy: { Name: 'no' }, LogConfig: { Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } } },
    });
  });

  it('lets Berth own PORT even when the environment sets one', () => {
    const options = buildContainerOptions({ spec: specFor(), pinnedRef, digest, port: 21001, env: { PORT: '80' } });
    expect(options.Env).toEqual(['PORT=21001']);
  });

  it('refuses host networking without a valid port', () => {
    expect(() => buildContainerOptions({ spec: specFor(), pinnedRef, digest, env: {} })).toThrow(PermanentError);
    expect(() => buildContainerOptions({ spec: specFor(), pinnedRef, digest, env: {} })).toThrow('host networking needs a port');
    expect(() => buildContainerOptions({ spec: specFor(), pinnedRef, digest, port: 70000, env: {} })).toThrow('port 70000 is not between 1 and 65535');
  });

  it('refuses env names Docker would split wrongly', () => {
    expect(() => buildContainerOptions({ spec: specFor(), pinnedRef, digest, port: 21001, env: { 'A=B': 'c' } })).toThrow('env: "A=B" is not a valid variable name');
  });

  it('names the upstream the proxy dials', () => {
    expect(upstreamFor(specFor(), 'berth-web-staging-01', 21004, '127.0.0.1')).toBe('127.0.0.1:21004');
    expect(upstreamFor(specFor(), 'berth-web-staging-01', 21004, '10.0.0.12')).toBe('10.0.0.12:21004');
    expect(upstreamFor(specFor(), 'berth-web-staging-01', 21004, '::1')).toBe('[::1]:21004');
    expect(upstreamFor(specFor({ network: 'berth' }), 'berth-web-staging-01', undefined, '127.0.0.1')).toBe('berth-web-staging-01:8080');
    expect(() => upstreamFor(specFor(), 'berth-web-staging-01', undefined, '127.0.0.1')).toThrow(PermanentError);
  });

  it('reads the port back from an upstream on the host address only', () => {
    expect(portOfUpstream('10.0.0.12:21004', '10.0.0.12')).toBe(21004);
    expect(portOfUpstream('[::1]:21004', '::1')).toBe(21004);
    expect(portOfUpstream('127.0.0.1:21004', '10.0.0.12')).toBeUndefined();
    expect(portOfUpstream('berth-web-staging-01:8080', '127.0.0.1')).toBeUndefined();
    expect(portOfUpstream(undefined, '127.0.0.1')).toBeUndefined();
  });

  it('names containers and filters releases by label', () => {
    expect(containerName('web-staging-01')).toBe('berth-web-staging-01');
    expect(environmentFilters('web', 'staging')).toEqual({
      label: ['berth.managed=true', 'berth.project=web', 'berth.environment=staging'],
    });
  });
});
