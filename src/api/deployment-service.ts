import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, optionalTsToDate } from '@temporalio/common';
import type { BerthConfig } from '../config/schema';
import { ownerSettings } from '../config/owner-settings';
import { enqueueWithOwner, pauseReconcile, readOwner } from '../temporal/owner-client';
import { instanceHolding, readPreviews, registerInstance, removeInstance } from '../temporal/previews-client';
import type { PreviewState, RegisterAnswer, RegisterRequest } from '../model/preview-types';
import type { DeployMemo } from '../model/deploy-memo';
import type { HostInfo } from '../model/host-info';
import type { EnqueueAnswer, OwnerState } from '../model/owner-types';
import { cancelQueuedUpdate, decideUpdate, ownerWorkflowId, pipelineQuery, statusQuery, workflowTypes } from '../workflows/definitions';
import type { PipelineRecord, PipelineSpec } from '../model/pipeline-types';
import type { DecideRequest } from '../model/approval-types';
import type { ApprovalRecord, DeployKind, DeployRecord, DeploySpec, RollbackSpec } from '../model/types';
import { hasOutcome, pipelineStartOptions, queuedRecord } from './deploy-record';
import { ownedRecord, runningRecord } from './owned-record';
import { HttpError } from './http-error';
import { allPages, decodeDeploySummary, decodePageToken, encodePageToken, invalidToken, quoted, withDecodedMemo, type DeploySummary, type VisibilityExecution } from './visibility';

export type { DeployMemo };
/** The client the gateway is built from; nothing else in the API holds one. */
export type TemporalClient = Client;

export function newDeploymentId(project: string, environment: string, now = Date.now()): string {
  return `${project}-${environment}-${now.toString(36)}${randomBytes(3).toString('hex')}`;
}

/** TASK_QUEUE_TYPE_ACTIVITY: host workers poll only for activities. */
const activityQueue = 2;
// A page token that passes the checksum but that the server still refuses must not hold the request for the client's retries.
const listDeadlineMs = 5_000;

/**
 * The API's only window on Temporal: deploys (start, get, decide, cancel), the
 * environment owners (owner, pause), visibility (list, count, history) and the
 * hosts' workers. Its client stays private, so every router goes through here.
 */
export class DeploymentService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly config: BerthConfig,
  ) {}

  /** Hands the deploy to its environment's owner, which serialises and coalesces deploys. */
  async start(spec: DeploySpec | RollbackSpec, kind: DeployKind, idempotencyKey?: string): Promise<EnqueueAnswer> {
    // A preview instance has its own owner, so instances never queue behind each other.
    const settings = { ...ownerSettings(this.config, spec.project, spec.environment), ...(spec.preview && { instance: spec.preview.instance }) };
    return enqueueWithOwner(this.client, this.taskQueue, { kind, spec, settings, ...(idempotencyKey !== undefined && { idempotencyKey }) });
  }

  async startPipeline(spec: PipelineSpec): Promise<void> {
    await this.client.workflow.start(workflowTypes.pipeline, pipelineStartOptions(spec, this.taskQueue));
  }

  /** The deploy's (or pipeline's) record, or undefined when none exists. */
  async get(id: string): Promise<DeployRecord | PipelineRecord | undefined> {
    const handle = this.client.workflow.getHandle(id);
    const description = await describeIfExists(handle);
    // A deploy its owner holds (queued, superseded, cancelled, or just taken to run) has no workflow of its own yet.
    if (!description) return (await this.ownerOf(id))?.record;
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

  /** The owner that holds (or held) a deploy with no workflow of its own, and its record there. */
  private async ownerOf(id: string): Promise<{ project: string; environment: string; instance?: string; record: DeployRecord } | undefined> {
    for (const [project, projectConfig] of Object.entries(this.config.projects)) {
      for (const environment of Object.keys(projectConfig.environments)) {
        if (!id.startsWith(`${project}-${environment}-`)) continue;
        const instance = projectConfig.environments[environment].previews ? await instanceHolding(this.client, project, environment, id) : undefined;
        const owner = await readOwner(this.client, project, environment, instance);
        const record = owner && (ownedRecord(owner, id) ?? runningRecord(owner, id));
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
      if (error instanceof WorkflowUpdateFailedError) return { outcome: 'refused', message: (error.cause as Error | undefined)?.message ?? error.message };
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

  /** The owner's state (a preview instance's with `instance`), or undefined when it has never had a deploy. */
  owner(project: string, environment: string, instance?: string): Promise<OwnerState | undefined> {
    return readOwner(this.client, project, environment, instance);
  }

  /** A preview environment's instances as its coordinator holds them; undefined before its first deploy. */
  previews(project: string, environment: string): Promise<PreviewState | undefined> {
    return readPreviews(this.client, project, environment);
  }

  /** Records a tag's deploy with the coordinator (starting it on first use); refused when another tag holds the name. */
  registerInstance(request: RegisterRequest): Promise<RegisterAnswer> {
    return registerInstance(this.client, this.taskQueue, request);
  }

  /** Removes one preview instance; false when no instance has that tag. */
  removeInstance(project: string, environment: string, tag: string, by: string): Promise<boolean> {
    return removeInstance(this.client, project, environment, tag, by);
  }

  /** Pauses or resumes the owner's reconciliation; false when the environment has no owner yet. */
  pause(project: string, environment: string, paused: boolean, by: string): Promise<boolean> {
    return pauseReconcile(this.client, project, environment, paused, by);
  }

  /** One page of a visibility query; tokens travel base64url-encoded through the API. */
  async list(query: string, pageSize: number, pageToken?: string): Promise<{ deploys: DeploySummary[]; nextPageToken: string | null }> {
    const nextPageToken = pageToken ? decodePageToken(query, pageToken) : undefined;
    try {
      const response = await this.client.connection.withDeadline(Date.now() + listDeadlineMs, () =>
        this.client.workflowService.listWorkflowExecutions({ namespace: this.client.options.namespace, query, pageSize, nextPageToken }),
      );
      const next = response.nextPageToken?.length ? encodePageToken(query, response.nextPageToken) : null;
      const executions = await Promise.all(response.executions.map((raw) => withDecodedMemo(this.client.options.loadedDataConverter.payloadCodecs, raw as VisibilityExecution)));
      return { deploys: executions.map(decodeDeploySummary), nextPageToken: next };
    } catch (error) {
      // With a valid query, INVALID_ARGUMENT, UNKNOWN or a deadline on a paged call can only be the token.
      if (pageToken && [2, 3, 4].includes((error as { code?: number }).code ?? -1)) throw new HttpError('invalid_request', invalidToken);
      throw error;
    }
  }

  /** Every match, newest first, stopping at `limit`. */
  listAll(query: string, limit: number): Promise<DeploySummary[]> {
    return allPages((pageSize, token) => this.list(query, pageSize, token), limit);
  }

  async count(query: string): Promise<number> {
    return (await this.client.workflow.count(query)).count;
  }

  /** Newest first: every deploy and rollback of the environment that visibility holds, up to `limit`. */
  history(project: string, environment: string, limit = 50): Promise<DeploySummary[]> {
    return this.listAll(`BerthProject = ${quoted(project)} AND BerthEnvironment = ${quoted(environment)}`, limit);
  }

  /** Asks a host's worker about its dockerd, through a short read-only workflow on that host's queue. */
  hostInfo(host: string, waitMs: number): Promise<HostInfo> {
    return this.client.workflow.execute<(host: string, waitMs: number) => Promise<HostInfo>>(workflowTypes.hostInfo, {
      workflowId: `host-info.${host}.${randomBytes(4).toString('hex')}`,
      taskQueue: this.taskQueue,
      args: [host, waitMs],
      workflowExecutionTimeout: waitMs + 15_000,
    });
  }

  /** The workers polling an activity task queue, with when each last polled. */
  async pollers(taskQueue: string): Promise<Array<{ identity: string; lastAccessTime?: Date }>> {
    const answer = await this.client.workflowService.describeTaskQueue({ namespace: this.client.options.namespace, taskQueue: { name: taskQueue }, taskQueueType: activityQueue });
    return (answer.pollers ?? []).map((poller) => ({ identity: poller.identity ?? '', lastAccessTime: optionalTsToDate(poller.lastAccessTime) }));
  }

  /** Resolves when the Temporal frontend answers within `deadlineMs`. */
  async ready(deadlineMs: number): Promise<void> {
    await this.client.connection.withDeadline(Date.now() + deadlineMs, () => this.client.connection.workflowService.getSystemInfo({}));
  }
}

async function describeIfExists(handle: WorkflowHandle) {
  return handle.describe().catch((error) => {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  });
}
