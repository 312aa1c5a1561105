import { ApplicationFailure, ChildWorkflowFailure, executeChild, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import { deployWorkflow } from './deploy-workflow';
import { pipelineQuery } from './queries';
import { BerthStatus } from './search-attributes';
import type { DeployRecord, DeploySpec, DeployStatus, PipelineRecord } from './types';

export interface PipelineSpec {
  pipelineId: string;
  project: string;
  requestedBy: string;
  /** The project's image repository, to pin later stages by digest. */
  repository: string;
  /** One deploy per environment, in order; each later stage deploys the digest the first one pinned. */
  stages: DeploySpec[];
}

/**
 * Staged promotion: deploys one digest environment by environment, as child
 * deploys. Each stage runs only after the previous one succeeded, and carries
 * its own approval gate, so production waits for a person.
 */
export async function pipelineWorkflow(spec: PipelineSpec): Promise<PipelineRecord> {
  const record: PipelineRecord = {
    id: spec.pipelineId,
    kind: 'pipeline',
    project: spec.project,
    requestedBy: spec.requestedBy,
    image: spec.stages[0].image,
    status: 'running',
    createdAt: new Date().toISOString(),
    stages: spec.stages.map((stage) => ({ environment: stage.environment, deploymentId: stage.deploymentId, status: 'queued' as DeployStatus })),
  };
  setHandler(pipelineQuery, () => record);
  upsertSearchAttributes([{ key: BerthStatus, value: 'running' }]);

  let pinned: string | undefined;
  for (const [index, stageSpec] of spec.stages.entries()) {
    const stage = record.stages[index];
    stage.status = 'running';
    const image = pinned ? `${spec.repository}@${pinned}` : stageSpec.image;
    let result: DeployRecord;
    try {
      result = await executeChild(deployWorkflow, { workflowId: stageSpec.deploymentId, args: [{ ...stageSpec, image }] });
    } catch (error) {
      const child = childRecord(error);
      stage.status = child?.status ?? 'failed';
      record.status = stage.status;
      record.reason = `${stage.environment}: ${child?.reason ?? (error as Error).message}`;
      for (const later of record.stages.slice(index + 1)) later.status = 'cancelled';
      upsertSearchAttributes([{ key: BerthStatus, value: record.status }]);
      throw ApplicationFailure.nonRetryable(record.reason, `Pipeline_${record.status}`, record);
    }
    stage.status = result.status;
    pinned = pinned ?? result.digest;
    record.digest = pinned;
  }
  record.status = 'succeeded';
  record.finishedAt = new Date().toISOString();
  upsertSearchAttributes([{ key: BerthStatus, value: 'succeeded' }]);
  return record;
}

function childRecord(error: unknown): DeployRecord | undefined {
  const cause = error instanceof ChildWorkflowFailure ? error.cause : undefined;
  return cause instanceof ApplicationFailure ? (cause.details?.[0] as DeployRecord | undefined) : undefined;
}
