import { ownedRecord, runningRecord } from '../../src/api/owned-record';
import type { QueuedRequest } from '../../src/model/owner-types';
import type { DeploySpec } from '../../src/model/types';
import { enqueue, initialState, takeOldest } from '../../src/workflows/environment-state';

const settings = { project: 'web', environment: 'staging', reconcileIntervalMs: 1000, maxHeals: 3, healWindowMs: 60_000, idempotencyWindowMs: 60_000, continueAsNewAfter: 50, historySize: 20 };
const request = (deploymentId: string): QueuedRequest => ({ kind: 'deploy', spec: { deploymentId, image: 'reg/web:v2', requestedBy: 'ci' } as DeploySpec, enqueuedAt: Date.parse('2026-01-01T00:00:00.000Z') });

describe('a deploy its owner holds', () => {
  it('reads as queued once the owner has taken it to run and before its workflow exists', () => {
    const owner = initialState(settings);
    enqueue(owner, request('web-staging-a'));
    const taken = takeOldest(owner)!;
    // What runDeploy records before it starts the deploy's workflow.
    owner.running = taken.spec.deploymentId;
    owner.runningRequest = taken;

    // Out of the queue, not superseded, not cancelled: before the fix this was a 404.
    expect(ownedRecord(owner, 'web-staging-a')).toBeUndefined();
    expect(runningRecord(owner, 'web-staging-a')).toEqual({
      id: 'web-staging-a',
      kind: 'deploy',
      project: 'web',
      environment: 'staging',
      image: 'reg/web:v2',
      requestedBy: 'ci',
      release: 'web-staging-a',
      createdAt: '2026-01-01T00:00:00.000Z',
      steps: [],
      events: [],
      status: 'queued',
    });
  });

  it('is nothing the owner knows when another deploy runs, or when the state predates runningRequest', () => {
    const owner = initialState(settings);
    owner.running = 'web-staging-b';
    owner.runningRequest = request('web-staging-b');
    expect(runningRecord(owner, 'web-staging-a')).toBeUndefined();
    owner.runningRequest = undefined;
    expect(runningRecord(owner, 'web-staging-b')).toBeUndefined();
  });
});
