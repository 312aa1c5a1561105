import { buildDeploySpec, ImageMismatchError, UnknownTargetError } from '../../src/config/deploy-spec';
import { parseConfig } from '../../src/config/load-config';

const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:T', scopes: ['deploy'] }] },
  hosts: { local: { ports: '21000-21099' } },
  projects: {
    web: {
      image: '127.0.0.1:5000/fixture/web',
      health: { path: '/health', interval: '200ms', timeout: '2s', retries: 25, startPeriod: '5s' },
      keep: 2,
      env: { LOG_LEVEL: 'info', REGION: 'eu' },
      secrets: { DATABASE_URL: 'env:WEB_DATABASE_URL' },
      environments: {
        staging: { host: 'local', hostname: 'web.staging.localhost', env: { REGION: 'staging' } },
        production: { host: 'local', hostname: 'web.localhost', approval: 'required' },
      },
    },
  },
});

const meta = { deploymentId: 'web-staging-abc', requestedBy: 'ci' };

describe('buildDeploySpec', () => {
  it('freezes everything a deploy needs, secrets as references', () => {
    expect(buildDeploySpec(config, { project: 'web', environment: 'staging', tag: 'v2', commit: 'abc1234' }, meta)).toEqual({
      deploymentId: 'web-staging-abc',
      project: 'web',
      environment: 'staging',
      image: '127.0.0.1:5000/fixture/web:v2',
      commit: 'abc1234',
      requestedBy: 'ci',
      approval: 'none',
      approvalTimeoutMs: 86400000,
      apiUrl: 'http://127.0.0.1:8080',
      host: 'local',
      hostname: 'web.staging.localhost',
      network: 'host',
      portRange: { from: 21000, to: 21099 },
      hostTimeoutMs: 600000,
      health: { path: '/health', intervalMs: 200, timeoutMs: 2000, retries: 25, startPeriodMs: 5000, monitorMs: 10000, monitorFailures: 3 },
      keep: 2,
      drainMs: 2000,
      stopTimeoutMs: 10000,
      env: { LOG_LEVEL: 'info', REGION: 'staging' },
      secretEnv: { DATABASE_URL: 'env:WEB_DATABASE_URL' },
    });
  });

  it('accepts a full reference to the project image, by tag or digest', () => {
    const digest = `127.0.0.1:5000/fixture/web@sha256:${'a'.repeat(64)}`;
    expect(buildDeploySpec(config, { project: 'web', environment: 'production', image: digest }, meta)).toMatchObject({ image: digest, approval: 'required' });
  });

  it('refuses images of other repositories and unknown targets', () => {
    expect(() => buildDeploySpec(config, { project: 'web', environment: 'staging', image: '127.0.0.1:5000/other:v1' }, meta)).toThrow(ImageMismatchError);
    expect(() => buildDeploySpec(config, { project: 'api', environment: 'staging', tag: 'v1' }, meta)).toThrow(new UnknownTargetError('project "api" is not configured'));
    expect(() => buildDeploySpec(config, { project: 'web', environment: 'qa', tag: 'v1' }, meta)).toThrow(
      new UnknownTargetError('environment "qa" is not configured for project "web"'),
    );
  });
});
