import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { deployStartOptions } from '../../src/workflows/deploy-options';
import { workflowTypes } from '../../src/workflows/definitions';
import type { DeployRecord, DeploySpec, RollbackSpec } from '../../src/model/types';
import { taskQueue } from './fake-world';

/** Starts a deploy (or rollback) the way the owner does: by type name, with its memo and search attributes. */
export function startDeploy(env: TestWorkflowEnvironment, spec: DeploySpec): Promise<WorkflowHandle> {
  return env.client.workflow.start(workflowTypes.deploy, { taskQueue, workflowId: spec.deploymentId, args: [spec], ...deployStartOptions(spec, 'deploy') });
}

export function startRollback(env: TestWorkflowEnvironment, spec: RollbackSpec): Promise<WorkflowHandle> {
  return env.client.workflow.start(workflowTypes.rollback, { taskQueue, workflowId: spec.deploymentId, args: [spec], ...deployStartOptions(spec, 'rollback') });
}

/** The deploy's final record: its result, or the record a failed deploy carries in its failure's details. */
export async function finalRecord(handle: WorkflowHandle): Promise<DeployRecord> {
  try {
    return (await handle.result()) as DeployRecord;
  } catch (error) {
    const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as DeployRecord;
    throw error;
  }
}
