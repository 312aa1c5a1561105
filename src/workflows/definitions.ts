/**
 * The messages Berth's clients send to its workflows, and the owner's id.
 * Definitions only: clients import this module without pulling in workflow code,
 * and start workflows by type name.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalRecord, DecideRequest } from '../model/approval-types';
import type { ContainerEventNotice, EnqueueAnswer, EnqueueRequest, OwnerSettings, OwnerState } from '../model/owner-types';
import type { PipelineRecord } from '../model/pipeline-types';
import type { PreviewState, RegisterAnswer, RegisterRequest } from '../model/preview-types';
import type { DeployRecord } from '../model/types';

/** Workflow type names, for clients that start workflows without importing their code. */
export const workflowTypes = { deploy: 'deployWorkflow', rollback: 'rollbackWorkflow', environment: 'environmentWorkflow', pipeline: 'pipelineWorkflow', hostInfo: 'hostInfoWorkflow', previews: 'previewsWorkflow' } as const;

/** The deploy's record: status, steps and outcome so far. */
export const statusQuery = defineQuery<DeployRecord>('status');

/** A pipeline's stages and where it stands. */
export const pipelineQuery = defineQuery<PipelineRecord>('pipeline');

/** Sent from the Temporal Web UI or `temporal workflow signal`, with `{ "by": "...", "comment": "..." }`. */
export const approveSignal = defineSignal<[ApprovalDecision]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecision]>('reject');

/** The API's way in: refused (validator) unless the deploy is waiting, so callers get 409. */
export const decideUpdate = defineUpdate<ApprovalRecord, [DecideRequest]>('decide');

export const enqueueUpdate = defineUpdate<EnqueueAnswer, [EnqueueRequest]>('enqueue');
export const pauseReconcileSignal = defineSignal<[{ paused: boolean; by: string }]>('pauseReconcile');
export const ownerQuery = defineQuery<OwnerState>('owner');
/** Takes a queued deploy out of the queue; answers false when it is not queued (running, finished, unknown). */
export const cancelQueuedUpdate = defineUpdate<boolean, [{ deploymentId: string; by: string }]>('cancelQueued');
/**
 * A deploy tells its owner its outcome as soon as it is recorded, before its
 * notifications are delivered, so the next queued deploy never waits for a slow receiver.
 */
export const deployEndedSignal = defineSignal<[DeployRecord]>('deployEnded');
export const stageFinishedSignal = defineSignal<[DeployRecord]>('stageFinished');
/** Sent by a host's worker when Docker reports one of the environment's containers died or vanished. */
export const containerEventSignal = defineSignal<[ContainerEventNotice]>('containerEvent');

/** The environment's settings as the config now has them (`autoDeploy.poll` among them); sent when Berth starts. */
export const ownerSettingsSignal = defineSignal<[OwnerSettings]>('ownerSettings');

/** The instances of an environment with `previews`, as its coordinator holds them. */
export const previewsQuery = defineQuery<PreviewState>('previews');
/** Records a deploy of a tag; refused (`conflictWith`) when another tag already holds its name. */
export const registerInstanceUpdate = defineUpdate<RegisterAnswer, [RegisterRequest]>('registerInstance');
/** Removes one instance; false when no instance has that tag. */
export const removeInstanceUpdate = defineUpdate<boolean, [{ tag: string; by: string }]>('removeInstance');

/** Sent by a preview instance's deploy when it ends: the instance's ttl counts from here. */
export const instanceDeployedSignal = defineSignal<[{ tag: string; deploymentId: string }]>('instanceDeployed');

export function previewsWorkflowId(project: string, environment: string): string {
  return `previews.${project}.${environment}`;
}

export function ownerWorkflowId(project: string, environment: string, instance?: string): string {
  return `env.${project}.${environment}${instance ? `.${instance}` : ''}`;
}
