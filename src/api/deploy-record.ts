import type { DeployMemo } from '../model/deploy-memo';
import type { PipelineRecord, PipelineSpec } from '../model/pipeline-types';
import { BerthImage, BerthProject, BerthStatus } from '../model/search-attributes';
import { isFinal, type DeployRecord, type DeployStatus } from '../model/types';

/** A deploy whose outcome is recorded may still be delivering its notifications; there is nothing left to cancel. */
export function hasOutcome(status: unknown): boolean {
  const value = Array.isArray(status) ? status[0] : status;
  return typeof value === 'string' && isFinal(value as DeployStatus);
}

/** What a deploy looks like before a worker has picked it up. */
export function queuedRecord(id: string, memo: DeployMemo, startTime: Date): DeployRecord | PipelineRecord {
  const common = { id, project: memo.project, image: memo.image, requestedBy: memo.requestedBy, status: 'queued' as const, createdAt: startTime.toISOString() };
  if (memo.kind === 'pipeline') return { ...common, kind: 'pipeline', stages: [] };
  return { ...common, kind: memo.kind, environment: memo.environment, release: memo.release, ...(memo.trigger && { trigger: memo.trigger }), steps: [], events: [] };
}

/** The pipeline's memo: what lists and early reads show before its first stage runs. */
export function pipelineMemo(spec: { pipelineId: string; project: string; requestedBy: string; stages: Array<{ environment: string; image: string }> }): DeployMemo {
  return { kind: 'pipeline', project: spec.project, environment: spec.stages.map((s) => s.environment).join(','), image: spec.stages[0].image, release: spec.pipelineId, requestedBy: spec.requestedBy };
}

/** How a pipeline's workflow starts: its memo and search attributes make it listable before it runs. */
export function pipelineStartOptions(spec: PipelineSpec, taskQueue: string) {
  const memo = pipelineMemo(spec);
  return {
    workflowId: spec.pipelineId,
    taskQueue,
    args: [spec] as [PipelineSpec],
    memo: { ...memo },
    typedSearchAttributes: [
      { key: BerthProject, value: spec.project },
      { key: BerthImage, value: spec.stages[0].image },
      { key: BerthStatus, value: 'queued' },
    ],
    staticSummary: `pipeline ${spec.project}:${spec.stages[0].image.split(/[:@]/).slice(-1)[0]} → ${memo.environment.replace(/,/g, ' → ')}`,
  };
}
