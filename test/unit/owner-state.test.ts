import { approverOf, cancelQueued, enqueue, initialState, summaryOf } from '../../src/workflows/environment-state';
import type { DeployRecord, DeploySpec } from '../../src/model/types';

const settings = { project: 'web', environment: 'staging', reconcileIntervalMs: 1000, maxHeals: 3, healWindowMs: 60_000, idempotencyWindowMs: 60_000, continueAsNewAfter: 50, historySize: 20 };
const spec = (deploymentId: string) => ({ deploymentId, image: 'reg/web:v2', requestedBy: 'ci' }) as DeploySpec;

describe('the owner state', () => {
  it('takes a queued request out of the queue and remembers who cancelled it', () => {
    const state = initialState(settings);
    enqueue(state, { kind: 'deploy', spec: spec('a'), enqueuedAt: 1000 });
    enqueue(state, { kind: 'deploy', spec: spec('b'), enqueuedAt: 2000 });

    expect(cancelQueued(state, 'a', 'ops', '2026-01-01T00:00:00.000Z')).toBe(true);
    expect(cancelQueued(state, 'a', 'ops', '2026-01-01T00:00:01.000Z')).toBe(false);
    expect(cancelQueued(state, 'unknown', 'ops', '2026-01-01T00:00:01.000Z')).toBe(false);
    expect(state.queue.map((request) => request.spec.deploymentId)).toEqual(['b']);
    expect(state.cancelled).toEqual([
      { deploymentId: 'a', kind: 'deploy', image: 'reg/web:v2', requestedBy: 'ci', enqueuedAt: 1000, cancelledBy: 'ops', cancelledAt: '2026-01-01T00:00:00.000Z' },
    ]);
  });

  it('keeps the approver of a decided deploy in its summary, and nothing for an undecided one', () => {
    const approval = { status: 'approved' as const, requestedAt: 't0', decidedAt: 't1', by: 'alice', comment: 'lgtm', via: 'signal' as const };
    expect(approverOf(approval)).toEqual({ decision: 'approved', by: 'alice', at: 't1', comment: 'lgtm', via: 'signal' });
    expect(approverOf({ status: 'expired', requestedAt: 't0', decidedAt: 't1' })).toBeUndefined();
    expect(approverOf(undefined)).toBeUndefined();

    const record = { id: 'a', kind: 'deploy', release: 'a', image: 'reg/web:v2', requestedBy: 'ci', status: 'succeeded', approval } as DeployRecord;
    expect(summaryOf(record).approval).toEqual({ decision: 'approved', by: 'alice', at: 't1', comment: 'lgtm', via: 'signal' });
    expect(summaryOf({ ...record, approval: undefined })).not.toHaveProperty('approval');
  });
});
