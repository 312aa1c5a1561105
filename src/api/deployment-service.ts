import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { deployWorkflow, statusQuery } from '../workflows';
import type { DeployRecord, DeploySpec } from '../workflows/types';

/** What is stored in the workflow memo, so a record can be shaped before the workflow has run. */
interface DeployMemo {
  project: string;
  environment: string;
  image: string;
  requestedBy: string;
}

export function newDeploymentId(project: string, environment: string, now = Date.now()): string {
  return `${project}-${environment}-${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/** The API's only window on Temporal: start deploy workflows and read their records. */
export class DeploymentService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  async start(spec: DeploySpec): Promise<void> {
    const memo: DeployMemo = { project: spec.project, environment: spec.environment, image: spec.image, requestedBy: spec.requestedBy };
    await this.client.workflow.start(deployWorkflow, {
      workflowId: spec.deploymentId,
      taskQueue: this.taskQueue,
      args: [spec],
      memo: { ...memo },
    });
  }

  /** The deploy's record, or undefined when no such deploy exists. */
  async get(id: string): Promise<DeployRecord | undefined> {
    const handle = this.client.workflow.getHandle(id);
    let description;
    try {
      description = await handle.describe();
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
    const memo = description.memo as unknown as DeployMemo;
    const fallback: DeployRecord = {
      id,
      project: memo.project,
      environment: memo.environment,
      image: memo.image,
      requestedBy: memo.requestedBy,
      status: 'queued',
      release: id,
      createdAt: description.startTime.toISOString(),
      steps: [],
    };
    if (description.status.name === 'RUNNING') {
      // Until a worker has run the first workflow task there is nothing to query.
      if ((description.historyLength ?? 0) <= 2) return fallback;
      return handle.query(statusQuery);
    }
    try {
      return await handle.result();
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as DeployRecord;
      const status = description.status.name === 'CANCELLED' ? 'cancelled' : 'failed';
      return { ...fallback, status, reason: `workflow ${description.status.name.toLowerCase()}`, finishedAt: description.closeTime?.toISOString() };
    }
  }
}
