import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { PreviewState, RegisterAnswer, RegisterRequest } from '../model/preview-types';
import { previewsQuery, previewsWorkflowId, registerInstanceUpdate, removeInstanceUpdate, workflowTypes } from '../workflows/definitions';

/** Records a deploy of a tag with the environment's preview coordinator, starting it on first use. */
export async function registerInstance(client: Client, taskQueue: string, request: RegisterRequest): Promise<RegisterAnswer> {
  const { project, environment } = request.settings;
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowTypes.previews, {
    workflowId: previewsWorkflowId(project, environment),
    taskQueue,
    args: [request.settings],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `previews of ${project}/${environment}`,
  });
  return client.workflow.executeUpdateWithStart(registerInstanceUpdate, { args: [request], startWorkflowOperation });
}

/** The coordinator's state, or undefined when no tag was ever deployed there. */
export async function readPreviews(client: Client, project: string, environment: string): Promise<PreviewState | undefined> {
  try {
    return await client.workflow.getHandle(previewsWorkflowId(project, environment)).query(previewsQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** False when the environment has no instance with that tag. */
export async function removeInstance(client: Client, project: string, environment: string, tag: string, by: string): Promise<boolean> {
  try {
    return await client.workflow.getHandle(previewsWorkflowId(project, environment)).executeUpdate(removeInstanceUpdate, { args: [{ tag, by }] });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

/** The instance whose latest deploy is `deploymentId`, for finding a queued deploy in its instance's owner. */
export async function instanceHolding(client: Client, project: string, environment: string, deploymentId: string): Promise<string | undefined> {
  return (await readPreviews(client, project, environment))?.instances.find((held) => held.deploymentId === deploymentId)?.instance;
}
