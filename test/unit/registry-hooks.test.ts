import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareTags, newestMatching, parseTagRule, tagMatches, type TagRule } from '../../src/config/auto-deploy';
import { parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';
import { autoDeployTargets, olderThanServing } from '../../src/api/auto-deploy-targets';
import { senderAuthenticated } from '../../src/api/hook-auth';
import { distributionPushes, dockerHubPushes, githubPushes, senderOf } from '../../src/api/registry-events';

const fixture = (name: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/registry-hooks', name), 'utf8'));
const rules = (...texts: string[]) => texts.map((text) => parseTagRule(text) as TagRule);

const base = {
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: {} },
  hooks: { registry: [{ name: 'local', secret: 'env:HOOK_SECRET' }] },
  projects: {
    web: {
      image: '192.168.100.227:5000/team/web',
      environments: {
        staging: { host: 'local', hostname: 's.localhost', autoDeploy: { tags: ['main'] } },
        production: { host: 'local', hostname: 'p.localhost', autoDeploy: { tags: ['/^v\\d+\\.\\d+\\.\\d+$/'] } },
        manual: { host: 'local', hostname: 'm.localhost' },
      },
    },
    hub: { image: 'svendowideit/testhook', environments: { staging: { host: 'local', hostname: 'h.localhost', autoDeploy: { tags: ['latest'] } } } },
  },
};
const config = parseConfig(base);

describe('autoDeploy config', () => {
  it('parses literal tags and /patterns/', () => {
    expect(config.projects.web.environments.staging.autoDeploy).toEqual({ tags: [{ kind: 'literal', tag: 'main' }] });
    expect(config.projects.web.environments.production.autoDeploy).toEqual({ tags: [{ kind: 'pattern', source: '^v\\d+\\.\\d+\\.\\d+$' }] });
    expect(config.hooks).toEqual({ registry: [{ name: 'local', secret: 'env:HOOK_SECRET' }] });
  });

  it('names the path of each problem', () => {
    const bad = structuredClone(base) as any;
    bad.hooks.registry.push({ name: 'local', secret: 'plain-text' });
    bad.projects.web.environments.staging.autoDeploy = { tags: ['/([/', 'no spaces'], poll: '1s' };
    bad.projects.web.environments.production.autoDeploy = { tags: [] };
    expect(configIssues(bad).sort()).toEqual(
      [
        'hooks/registry/1/name: "local" is named twice',
        'hooks/registry/1/secret: should be a secret reference: env:NAME or file:/path',
        'projects/web/environments/staging/autoDeploy/tags/0: "/([/" is not a valid regular expression: Unterminated character class',
        'projects/web/environments/staging/autoDeploy/tags/1: "no spaces" should be a tag or a /regex/ pattern',
        'projects/web/environments/staging/autoDeploy/poll: should be at least 5s',
        'projects/web/environments/production/autoDeploy/tags: should name at least one tag or /pattern/',
      ].sort(),
    );
  });
});

describe('tag matching', () => {
  it('matches literal tags exactly and patterns by regex', () => {
    const staging = rules('main', '/^release-/');
    expect(['main', 'main2', 'release-7', 'prerelease-7'].map((tag) => tagMatches(staging, tag))).toEqual([true, false, true, false]);
  });

  it('orders semver numerically: v1.10.0 beats v1.9.3, a release beats its pre-releases', () => {
    expect(['v1.9.3', 'v1.10.0', 'v1.2.0', 'v2.0.0-rc.1', 'v2.0.0', 'v2.0.0-rc.2', 'latest'].sort(compareTags)).toEqual(['latest', 'v1.2.0', 'v1.9.3', 'v1.10.0', 'v2.0.0-rc.1', 'v2.0.0-rc.2', 'v2.0.0']);
    expect(newestMatching(rules('/^v\\d+\\.\\d+\\.\\d+$/'), ['v1.9.3', 'main', 'v1.10.0', 'v2.0.0-rc.1'])).toBe('v1.10.0');
    expect(newestMatching(rules('/^v\\d+/'), ['main'])).toBeUndefined();
    expect([olderThanServing('v1.9.3', 'v1.10.0'), olderThanServing('v1.10.0', 'v1.9.3'), olderThanServing('v1.0.0', undefined)]).toEqual([true, false, false]);
  });
});

describe('registry payloads', () => {
  it('takes only tagged manifest pushes from a Distribution envelope', () => {
    expect(distributionPushes(fixture('distribution-events.json'))).toEqual([
      { repository: '192.168.100.227:5000/team/web', tag: 'main', digest: 'sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf' },
    ]);
    expect(distributionPushes({ events: 'nope' })).toEqual([]);
  });

  it("reads Docker Hub's push_data and repository, which name no digest", () => {
    expect(dockerHubPushes(fixture('dockerhub-push.json'))).toEqual([{ repository: 'docker.io/svendowideit/testhook', tag: 'latest' }]);
  });

  it("reads GitHub's package event for GHCR, and nothing from another event or ecosystem", () => {
    const body = fixture('github-package-published.json');
    const digest = 'sha256:8c5cbbf8f0dc0c3ed7e4d7a0c7a12cbf04a2bd3b4c8a94ee3e0aeb2a9b9f1f0e';
    expect(githubPushes('package', body)).toEqual([{ repository: 'ghcr.io/octo-org/hello-app', tag: 'v1.4.0', digest }]);
    expect(githubPushes('push', body)).toEqual([]);
    expect(githubPushes('package', { ...body, package: { ...body.package, package_type: 'npm', ecosystem: 'npm' } })).toEqual([]);
  });

  it('tells senders apart by header and shape', () => {
    expect([
      senderOf({ githubEvent: 'package', contentType: 'application/json' }, {}),
      senderOf({ contentType: 'application/vnd.docker.distribution.events.v1+json' }, {}),
      senderOf({ contentType: 'application/json' }, fixture('dockerhub-push.json')),
      senderOf({ contentType: 'application/json' }, { hello: 1 }),
    ]).toEqual(['github', 'distribution', 'dockerhub', undefined]);
  });
});

describe('hook authentication', () => {
  const raw = Buffer.from('{"action":"published"}');
  const signature = `sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`;

  it('checks each sender the way its registry can send the secret', () => {
    expect([
      senderAuthenticated('distribution', { authorization: 'Bearer s3cret' }, 's3cret'),
      senderAuthenticated('distribution', { authorization: 'Bearer wrong' }, 's3cret'),
      senderAuthenticated('distribution', { querySecret: 's3cret' }, 's3cret'),
      senderAuthenticated('dockerhub', { querySecret: 's3cret' }, 's3cret'),
      senderAuthenticated('dockerhub', {}, 's3cret'),
      senderAuthenticated('github', { signature, rawBody: raw }, 's3cret'),
      senderAuthenticated('github', { signature, rawBody: Buffer.from('{"action":"published" }') }, 's3cret'),
      senderAuthenticated('github', { signature: 'sha256=abc', rawBody: raw }, 's3cret'),
    ]).toEqual([true, false, false, true, false, true, false, false]);
  });
});

describe('autoDeployTargets', () => {
  it('finds the environments watching the pushed repository and tag, pinned by digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(autoDeployTargets(config, { repository: '192.168.100.227:5000/team/web', tag: 'main', digest })).toEqual([
      { project: 'web', environment: 'staging', image: `192.168.100.227:5000/team/web@${digest}`, byPattern: false },
    ]);
    expect(autoDeployTargets(config, { repository: '192.168.100.227:5000/team/web', tag: 'v1.10.0', digest })).toEqual([
      { project: 'web', environment: 'production', image: `192.168.100.227:5000/team/web@${digest}`, byPattern: true },
    ]);
    expect(autoDeployTargets(config, { repository: 'docker.io/svendowideit/testhook', tag: 'latest' })).toEqual([
      { project: 'hub', environment: 'staging', image: 'svendowideit/testhook:latest', byPattern: false },
    ]);
    expect(autoDeployTargets(config, { repository: '192.168.100.227:5000/team/web', tag: 'feature-x', digest })).toEqual([]);
    expect(autoDeployTargets(config, { repository: '192.168.100.227:5000/other', tag: 'main', digest })).toEqual([]);
  });
});
