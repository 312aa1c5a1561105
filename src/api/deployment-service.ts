import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BerthConfig } from '../config/schema';
import { ownerSettings } from '../config/owner-settings';
import { enqueueWithOwner, readOwner } from '../temporal/owner-client';
import { instanceHolding } from '../temporal/previews-client';
import type { DeployMemo } from '../model/deploy-memo';
import { cancelQueuedUpdate, ownerWorkflowId } from '../workflows/definitions';

export type { DeployMemo };
import type { EnqueueAnswer } from '../model/owner-types';
import { ownedRecord } from './owned-record';
import { decideUpdate, pipelineQuery, statusQuery, workflowTypes } from '../workflows/definitions';
import type { PipelineSpec } from '../model/pipeline-types';
import { BerthImage, BerthProject, BerthStatus } from '../model/search-attributes';
import type { DecideRequest } from '../model/approval-types';
import type { ApprovalRecord, DeployKind, DeployRecord, DeploySpec, RollbackSpec } from '../model/types';
import type { PipelineRecord } from '../model/pipeline-types';

export function newDeploymentId(project: string, environment: string, now = Date.now()): string {
  return `${project}-${environment}-${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/** The API's only window on Temporal for single deploys: start, read, cancel. */
export class DeploymentService {
  constructor(
    readonly client: Client,
    readonly taskQueue: string,
    private readonly config: BerthConfig,
  ) {}

  /** Hands the deploy to its environment's owner, which serialises and coalesces deploys. */
  async start(spec: DeploySpec | RollbackSpec, kind: DeployKind, idempotencyKey?: string): Promise<EnqueueAnswer> {
    // A preview instance has its own owner, so instances never queue behind each other.
    const settings = { ...ownerSettings(this.config, spec.project, spec.environment), ...(spec.preview && { instance: spec.preview.instance }) };
    return enqueueWithOwner(this.client, this.taskQueue, { kind, spec, settings, ...(idempotencyKey !== undefined && { idempotencyKey }) });
  }

  async startPipeline(spec: PipelineSpec): Promise<void> {
    const memo: DeployMemo = { kind: 'pipeline', project: spec.project, environment: spec.stages.map((s) => s.environment).join(','), image: spec.stages[0].image, release: spec.pipelineId, requestedBy: spec.requestedBy };
    await this.client.workflow.start(workflowTypes.pipeline, {
      workflowId: spec.pipelineId,
      taskQueue: this.taskQueue,
      args: [spec],
      memo: { ...memo },
      typedSearchAttributes: [
        { key: BerthProject, value: spec.project },
        { key: BerthImage, value: spec.stages[0].image },
        { key: BerthStatus, value: 'queued' },
      ],
      staticSummary: `pipeline ${spec.project}:${spec.stages[0].image.split(/[:@]/).slice(-1)[0]} → ${memo.environment.replace(/,/g, ' → ')}`,
    });
  }

  /** The deploy's (or pipeline's) record, or undefined when none exists. */
  async get(id: string): Promise<DeployRecord | PipelineRecord | undefined> {
    const handle = this.client.workflow.getHandle(id);
    const description = await describeIfExists(handle);
    if (!description) return this.fromOwner(id);
    const memo = description.memo as unknown as DeployMemo;
    const fallback = queuedRecord(id, memo, description.startTime);
    if (description.status.name === 'RUNNING') {
      // Until a worker has run the first workflow task there is nothing to query.
      if ((description.historyLength ?? 0) <= 2) return fallback;
      return memo.kind === 'pipeline' ? handle.query(pipelineQuery) : handle.query(statusQuery);
    }
    try {
      return await handle.result();
    } catch (error) {
      const cause = error instanceof WorkflowFailedError ? error.cause : undefined;
      if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as DeployRecord | PipelineRecord;
      const status = description.status.name === 'CANCELLED' ? 'cancelled' : 'failed';
      return { ...fallback, status, reason: `workflow ${description.status.name.toLowerCase()}`, finishedAt: description.closeTime?.toISOString() };
    }
  }

  /**
   * A deploy the owner still holds (queued) or dropped for a newer one
   * (superseded) has no workflow of its own yet; its owner knows it.
   */
  private async fromOwner(id: string): Promise<DeployRecord | undefined> {
    return (await this.ownerOf(id))?.record;
  }

  /** The owner that holds (or held) a deploy with no workflow of its own, and its record there. */
  private async ownerOf(id: string): Promise<{ project: string; environment: string; instance?: string; record: DeployRecord } | undefined> {
    for (const [project, projectConfig] of Object.entries(this.config.projects)) {
      for (const environment of Object.keys(projectConfig.environments)) {
        if (!id.startsWith(`${project}-${environment}-`)) continue;
        const instance = projectConfig.environments[environment].previews ? await instanceHolding(this.client, project, environment, id) : undefined;
        const owner = await readOwner(this.client, project, environment, instance);
        const record = owner && ownedRecord(owner, id);
        if (record) return { project, environment, instance, record };
      }
    }
    return undefined;
  }

  /**
   * Records a person's decision through the workflow's `decide` update, which
   * refuses unless the deploy waits for one. The answer is the approval as recorded.
   */
  async decide(id: string, request: DecideRequest): Promise<{ outcome: 'decided'; approval: ApprovalRecord } | { outcome: 'not_found' | 'finished' } | { outcome: 'refused'; message: string }> {
    const handle = this.client.workflow.getHandle(id);
    const description = await describeIfExists(handle);
    if (!description) return { outcome: 'not_found' };
    if (description.status.name !== 'RUNNING') return { outcome: 'finished' };
    try {
      return { outcome: 'decided', approval: await handle.executeUpdate(decideUpdate, { args: [request] }) };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) return { outcome: 'refused', message: failureText(error) };
      throw error;
    }
  }

  /**
   * Asks a running deploy to stop and compensate, or takes a queued one out of
   * its owner's queue (`cancelled`: it never runs); `finished` when there is nothing to cancel.
   */
  async cancel(id: string, by: string): Promise<'cancelling' | 'cancelled' | 'finished' | 'not_found'> {
    const handle = this.client.workflow.getHandle(id);
    const description = await describeIfExists(handle);
    if (!description) return this.cancelQueued(id, by);
    if (description.status.name !== 'RUNNING' || hasOutcome(description.searchAttributes?.BerthStatus)) return 'finished';
    await handle.cancel();
    return 'cancelling';
  }

  private async cancelQueued(id: string, by: string): Promise<'cancelling' | 'cancelled' | 'finished' | 'not_found'> {
    const owned = await this.ownerOf(id);
    if (!owned) return 'not_found';
    if (owned.record.status !== 'queued') return 'finished';
    const owner = this.client.workflow.getHandle(ownerWorkflowId(owned.project, owned.environment, owned.instance));
    if (await owner.executeUpdate(cancelQueuedUpdate, { args: [{ deploymentId: id, by }] })) return 'cancelled';
    // It left the queue meanwhile: it runs now (so cancel that), or it was superseded.
    const handle = this.client.workflow.getHandle(id);
    const description = await describeIfExists(handle);
    if (description?.status.name !== 'RUNNING') return 'finished';
    await handle.cancel();
    return 'cancelling';
  }
}

/** A deploy whose outcome is recorded may still be delivering its notifications; there is nothing left to cancel. */
function hasOutcome(status: unknown): boolean {
  const value = Array.isArray(status) ? status[0] : status;
  return ['succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'cancelled', 'superseded'].includes(String(value));
}

function failureText(error: WorkflowUpdateFailedError): string {
  return (error.cause as Error | undefined)?.message ?? error.message;
}

/** What a deploy looks like before a worker has picked it up. */
function queuedRecord(id: string, memo: DeployMemo, startTime: Date): DeployRecord | PipelineRecord {
  const common = { id, project: memo.project, image: memo.image, requestedBy: memo.requestedBy, status: 'queued' as const, createdAt: startTime.toISOString() };
  if (memo.kind === 'pipeline') return { ...common, kind: 'pipeline', stages: [] };
  return { ...common, kind: memo.kind, environment: memo.environment, release: memo.release, ...(memo.trigger && { trigger: memo.trigger }), steps: [], events: [] };
}

async function describeIfExists(handle: WorkflowHandle) {
  return handle.describe().catch((error) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
}
