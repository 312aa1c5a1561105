import { defaultPayloadConverter, msNumberToTs } from '@temporalio/common';
import { releaseView, rollbackTarget, summaryFromOwner, currentRelease } from '../../src/api/environment-history';
import { decodeDeploySummary, type VisibilityExecution } from '../../src/api/visibility';

const payloads = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([key, value]) => [key, defaultPayloadConverter.toPayload(value)]));
const at = (iso: string) => msNumberToTs(Date.parse(iso));

function execution(overrides: Partial<VisibilityExecution> & { memo?: Record<string, unknown>; attributes?: Record<string, unknown> }): VisibilityExecution {
  const { memo = {}, attributes = {}, ...rest } = overrides;
  return {
    execution: { workflowId: 'web-staging-a' },
    type: { name: 'deployWorkflow' },
    startTime: at('2026-01-01T00:00:00Z'),
    status: 1,
    memo: { fields: payloads(memo) },
    searchAttributes: { indexedFields: payloads(attributes) },
    ...rest,
  };
}

describe('the one visibility decoder', () => {
  it('reads a deploy from its memo and search attributes, the outcome time from the memo', () => {
    const raw = execution({
      closeTime: at('2026-01-01T00:01:00Z'),
      status: 2,
      memo: { kind: 'deploy', project: 'web', environment: 'staging', image: 'reg/web:v2', release: 'web-staging-a', requestedBy: 'ci', commit: 'abc', digest: 'sha256:d', finishedAt: '2026-01-01T00:00:30.000Z', approval: { decision: 'approved', by: 'alice', at: 't', via: 'api' } },
      attributes: { BerthStatus: ['succeeded'], BerthProject: 'web' },
    });
    expect(decodeDeploySummary(raw)).toEqual({
      id: 'web-staging-a',
      kind: 'deploy',
      project: 'web',
      environment: 'staging',
      image: 'reg/web:v2',
      digest: 'sha256:d',
      commit: 'abc',
      release: 'web-staging-a',
      requestedBy: 'ci',
      status: 'succeeded',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:30.000Z',
      approval: { decision: 'approved', by: 'alice', at: 't', via: 'api' },
    });
  });

  it('falls back to search attributes and the workflow type, and calls a closed deploy without an outcome failed', () => {
    const raw = execution({ type: { name: 'rollbackWorkflow' }, closeTime: at('2026-01-01T00:02:00Z'), status: 5, attributes: { BerthStatus: 'running', BerthProject: 'web', BerthEnvironment: 'staging', BerthImage: 'reg/web@sha256:d' } });
    expect(decodeDeploySummary(raw)).toEqual({
      id: 'web-staging-a',
      kind: 'rollback',
      project: 'web',
      environment: 'staging',
      image: 'reg/web@sha256:d',
      status: 'failed',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:02:00.000Z',
    });
  });
});

describe('environment history', () => {
  const owned = summaryFromOwner('web', 'staging', { deploymentId: 'web-staging-b', kind: 'deploy', release: 'web-staging-b', image: 'reg/web:v2', digest: 'sha256:b', requestedBy: 'ci', status: 'succeeded', finishedAt: 't2' });
  const older = summaryFromOwner('web', 'staging', { deploymentId: 'web-staging-a', kind: 'deploy', release: 'web-staging-a', image: 'reg/web:v1', digest: 'sha256:a', commit: 'c1', requestedBy: 'ci', status: 'succeeded', finishedAt: 't1', approval: { decision: 'approved', by: 'alice', at: 't0', via: 'signal' } });

  it("shows an entry in the API's words, the same whether it came from the owner or from visibility", () => {
    expect(JSON.stringify(releaseView(older))).toBe(
      '{"deploymentId":"web-staging-a","kind":"deploy","release":"web-staging-a","image":"reg/web:v1","digest":"sha256:a","commit":"c1","deployedAt":"t1","by":"ci","outcome":"succeeded","approval":{"decision":"approved","by":"alice","at":"t0","via":"signal"}}',
    );
    expect(JSON.stringify(releaseView(owned))).toBe('{"deploymentId":"web-staging-b","kind":"deploy","release":"web-staging-b","image":"reg/web:v2","digest":"sha256:b","deployedAt":"t2","by":"ci","outcome":"succeeded"}');
  });

  it('serves the newest success and rolls back to the one before it', () => {
    expect(currentRelease([owned, older])?.id).toBe('web-staging-b');
    expect(rollbackTarget([owned, older])?.id).toBe('web-staging-a');
    expect(rollbackTarget([owned, older], 'web-staging-b')).toBeUndefined();
  });
});
