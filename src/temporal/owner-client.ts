import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ContainerEventNotice, EnqueueAnswer, EnqueueRequest, OwnerState } from '../model/owner-types';
import { containerEventSignal, enqueueUpdate, ownerQuery, ownerWorkflowId, pauseReconcileSignal, workflowTypes } from '../workflows/definitions';

/**
 * Hands a deploy to its environment's owner, starting the owner if it is not
 * running yet (update-with-start), and returns the owner's answer: the
 * deployment id (the same one for a retried idempotency key) and its place in the queue.
 */
export async function enqueueWithOwner(client: Client, taskQueue: string, request: EnqueueRequest): Promise<EnqueueAnswer> {
  const { project, environment, instance } = request.settings;
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowTypes.environment, {
    workflowId: ownerWorkflowId(project, environment, instance),
    taskQueue,
    args: [request.settings],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `owner of ${project}/${environment}${instance ? `/${instance}` : ''}`,
  });
  return client.workflow.executeUpdateWithStart(enqueueUpdate, { args: [request], startWorkflowOperation });
}

/** The owner's state, or undefined when the environment has never had a deploy. */
export async function readOwner(client: Client, project: string, environment: string, instance?: string): Promise<OwnerState | undefined> {
  const handle = client.workflow.getHandle(ownerWorkflowId(project, environment, instance));
  try {
    return await handle.query(ownerQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

export async function pauseReconcile(client: Client, project: string, environment: string, paused: boolean, by: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(ownerWorkflowId(project, environment)).signal(pauseReconcileSignal, { paused, by });
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** Tells an environment's owner what Docker reported; false when the environment has no owner (never deployed). */
export async function tellOwner(client: Client, project: string, environment: string, notice: ContainerEventNotice, instance?: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(ownerWorkflowId(project, environment, instance)).signal(containerEventSignal, notice);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}
