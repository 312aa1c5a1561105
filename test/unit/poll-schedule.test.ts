import { parseConfig } from '../../src/config/load-config';
import { configIssues } from '../support/config-issues';
import { ownerSettings, pollingOwners } from '../../src/config/owner-settings';
import type { PolledCandidate } from '../../src/model/registry-poll-types';
import type { DeploySpec } from '../../src/model/types';
import { enqueue, initialState } from '../../src/workflows/environment-state';
import { autoDeployKey, choosePolled, msUntilPoll, nextPollAt, pollSkipReason } from '../../src/workflows/poll-schedule';

const settings = { project: 'web', environment: 'staging', reconcileIntervalMs: 1000, maxHeals: 3, healWindowMs: 60_000, idempotencyWindowMs: 60_000, continueAsNewAfter: 50, historySize: 20, pollIntervalMs: 60_000 };
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const candidate = (tag: string, c: string): PolledCandidate => ({ tag, digest: digest(c), spec: { deploymentId: 'web-staging-p1', image: `reg/web@${digest(c)}`, requestedBy: 'poller', trigger: { tag, digest: digest(c) } } as DeploySpec });

describe('the poll schedule', () => {
  it('is due at once the first time, then one interval on, never longer than an interval away', () => {
    const state = initialState(settings);
    expect(msUntilPoll(state, 5000)).toBe(0);
    state.nextPollAt = 65_000;
    expect([msUntilPoll(state, 5000), msUntilPoll(state, 65_000), msUntilPoll(state, 70_000)]).toEqual([60_000, 0, 0]);
    // A shorter interval from config counts from now, not from the old plan.
    state.settings = { ...settings, pollIntervalMs: 10_000 };
    expect(msUntilPoll(state, 5000)).toBe(10_000);
    expect(msUntilPoll(initialState({ ...settings, pollIntervalMs: undefined }), 5000)).toBeUndefined();
  });

  it('keeps a fixed rate, and a late check moves the schedule instead of catching up', () => {
    expect(nextPollAt(undefined, 1000, 60_000)).toBe(61_000);
    expect(nextPollAt(61_000, 61_400, 60_000)).toBe(121_000);
    expect(nextPollAt(61_000, 500_000, 60_000)).toBe(560_000);
  });
});

describe('what a poll deploys', () => {
  it('skips a digest that serves, is queued, was requested, or was deployed before', () => {
    const state = initialState(settings);
    state.desired = { summary: { deploymentId: 'd1', kind: 'deploy', release: 'd1', image: 'reg/web:main', digest: digest('a'), requestedBy: 'ci', status: 'succeeded' }, spec: {} as DeploySpec };
    state.history = [{ deploymentId: 'd0', kind: 'deploy', release: 'd0', image: `reg/web@${digest('f')}`, requestedBy: 'poller', status: 'rolled_back' }];
    enqueue(state, { kind: 'deploy', spec: { deploymentId: 'q1', image: `reg/web@${digest('b')}` } as DeploySpec, enqueuedAt: 1000 });
    state.idempotency.push({ key: autoDeployKey('web', 'staging', digest('c')), deploymentId: 'hook1', at: 1000 });

    expect(pollSkipReason(state, candidate('main', 'a'), 2000)).toBe(`${digest('a')} is already serving`);
    expect(pollSkipReason(state, candidate('main', 'b'), 2000)).toBe(`${digest('b')} is already queued`);
    expect(pollSkipReason(state, candidate('main', 'c'), 2000)).toBe(`${digest('c')} was already requested`);
    expect(pollSkipReason(state, candidate('main', 'f'), 2000)).toBe(`${digest('f')} was deployed before (d0: rolled_back)`);
    expect(pollSkipReason(state, candidate('main', 'd'), 2000)).toBeUndefined();
    // Past the idempotency window a request is forgotten; only what serves, queues or was deployed counts then.
    expect(pollSkipReason(state, candidate('main', 'c'), 1000 + 60_000)).toBeUndefined();
  });

  it('enqueues the first new candidate under the same key a webhook would use', () => {
    const state = initialState(settings);
    state.desired = { summary: { deploymentId: 'd1', kind: 'deploy', release: 'd1', image: 'reg/web:main', digest: digest('a'), requestedBy: 'ci', status: 'succeeded' }, spec: {} as DeploySpec };
    expect(choosePolled(state, [candidate('main', 'a'), candidate('v1.10.0', 'e')], 3000)).toEqual({
      request: { kind: 'deploy', spec: candidate('v1.10.0', 'e').spec, idempotencyKey: `auto/web/staging/${digest('e')}`, enqueuedAt: 3000 },
      skipped: [`main: ${digest('a')} is already serving`],
    });
    expect(choosePolled(state, [candidate('main', 'a')], 3000)).toEqual({ skipped: [`main: ${digest('a')} is already serving`] });
    expect(choosePolled(state, [], 3000)).toEqual({ skipped: [] });
  });
});

describe('autoDeploy.poll in the config', () => {
  const raw = (autoDeploy: object, extra: object = {}) => ({
    api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
    hosts: { local: {} },
    projects: { web: { image: '127.0.0.1:5000/web', environments: { staging: { host: 'local', hostname: 's.localhost', autoDeploy, ...extra }, production: { host: 'local', hostname: 'p.localhost' } } } },
  });

  it('is a duration the owner gets as pollIntervalMs; only polling environments start owners at once', () => {
    const config = parseConfig(raw({ tags: ['main'], poll: '1m' }));
    expect(config.projects.web.environments.staging.autoDeploy).toEqual({ tags: [{ kind: 'literal', tag: 'main' }], poll: 60_000 });
    expect(ownerSettings(config, 'web', 'staging').pollIntervalMs).toBe(60_000);
    expect(ownerSettings(config, 'web', 'production')).not.toHaveProperty('pollIntervalMs');
    expect(pollingOwners(config).map((owner) => [owner.environment, owner.pollIntervalMs])).toEqual([['staging', 60_000]]);
  });

  it('refuses a poll below the minimum, a non-duration, and poll with after: or previews, naming the path', () => {
    expect(configIssues(raw({ tags: ['main'], poll: '2s' }))).toEqual(['projects/web/environments/staging/autoDeploy/poll: should be at least 5s']);
    expect(configIssues(raw({ tags: ['main'], poll: 'often' }))).toEqual(['projects/web/environments/staging/autoDeploy/poll: "often" is not a duration like 200ms, 2s, 5m or 1h']);
    expect(configIssues(raw({ tags: ['main'], poll: '1m' }, { after: 'production' }))).toEqual([
      'projects/web/environments/staging/autoDeploy/poll: cannot be combined with after; use a registry webhook for this environment',
    ]);
    expect(configIssues(raw({ tags: ['/^feature-/'], poll: '1m' }, { previews: { domain: 'preview.localhost' } }))).toEqual([
      'projects/web/environments/staging/autoDeploy/poll: cannot be combined with previews; use a registry webhook for this environment',
    ]);
  });
});
