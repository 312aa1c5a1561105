import { ApplicationFailure, condition, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { PipelineActivities } from '../activities';
import { pipelineQuery, stageFinishedSignal } from './definitions';
import { BerthStatus } from '../model/search-attributes';
import type { PipelineRecord, PipelineSpec } from '../model/pipeline-types';
import type { DeployRecord, DeployStatus } from '../model/types';

const { enqueueStage } = proxyActivities<PipelineActivities>({ startToCloseTimeout: '1m', retry: { maximumAttempts: 5 } });


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
  const finished = new Map<string, DeployRecord>();
  setHandler(stageFinishedSignal, (stageRecord) => {
    finished.set(stageRecord.id, stageRecord);
  });
  upsertSearchAttributes([{ key: BerthStatus, value: 'running' }]);

  let pinned: string | undefined;
  for (const [index, stageSpec] of spec.stages.entries()) {
    const stage = record.stages[index];
    stage.status = 'running';
    const image = pinned ? `${spec.repository}@${pinned}` : stageSpec.image;
    // Through the environment's owner, so a stage never races another deploy there.
    const answer = await enqueueStage({ kind: 'deploy', spec: { ...stageSpec, image }, settings: spec.settings[index], replyTo: workflowInfo().workflowId });
    stage.deploymentId = answer.deploymentId;
    await condition(() => finished.has(answer.deploymentId));
    const result = finished.get(answer.deploymentId)!;
    if (result.status !== 'succeeded') {
      stage.status = result.status;
      record.status = stage.status;
      record.reason = `${stage.environment}: ${result.reason ?? result.status}`;
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
