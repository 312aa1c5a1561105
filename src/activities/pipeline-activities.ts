import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { EnqueueAnswer, EnqueueRequest } from '../model/owner-types';
import { enqueueWithOwner } from '../temporal/owner-client';

/** What pipeline activities need: a client to reach environment owners. */
export interface PipelineDeps {
  client?: Client;
  taskQueue?: string;
}

/** Activities a pipeline workflow uses; they run on the workflow worker's queue. */
export function createPipelineActivities(deps: PipelineDeps) {
  return {
    /** A pipeline's stage goes to its environment's owner like any other deploy. */
    async enqueueStage(request: EnqueueRequest): Promise<EnqueueAnswer> {
      if (!deps.client || !deps.taskQueue) throw ApplicationFailure.nonRetryable('this worker has no Temporal client for pipelines', 'INVALID_SPEC');
      return enqueueWithOwner(deps.client, deps.taskQueue, request);
    },
  };
}
