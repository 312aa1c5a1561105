import type { OwnerState } from '../model/owner-types';
import type { DeployRecord } from '../model/types';

/** The record of a deploy its owner still queues, or dropped for a newer request. */
export function ownedRecord(owner: OwnerState, id: string): (DeployRecord & { position?: number; supersededBy?: string; cancelledBy?: string }) | undefined {
  const { project, environment } = owner.settings;
  const index = owner.queue.findIndex((request) => request.spec.deploymentId === id);
  if (index >= 0) {
    const { spec, kind, enqueuedAt } = owner.queue[index];
    const base = { id, kind, project, environment, image: spec.image, requestedBy: spec.requestedBy, ...(spec.trigger && { trigger: spec.trigger }), release: id, createdAt: new Date(enqueuedAt).toISOString(), steps: [], events: [] };
    // In order of arrival; when the running deploy ends, only the newest queued request runs.
    return { ...base, status: 'queued', position: index + 1 };
  }
  const superseded = owner.superseded.find((entry) => entry.deploymentId === id);
  if (superseded) {
    return {
      id,
      kind: 'deploy',
      project,
      environment,
      image: superseded.image,
      requestedBy: superseded.requestedBy,
      release: id,
      createdAt: new Date(superseded.enqueuedAt).toISOString(),
      steps: [],
      events: [],
      status: 'superseded',
      reason: `superseded by ${superseded.by}`,
      supersededBy: superseded.by,
    };
  }
  const cancelled = owner.cancelled?.find((entry) => entry.deploymentId === id);
  if (cancelled) {
    return {
      id,
      kind: cancelled.kind,
      project,
      environment,
      image: cancelled.image,
      requestedBy: cancelled.requestedBy,
      release: id,
      createdAt: new Date(cancelled.enqueuedAt).toISOString(),
      finishedAt: cancelled.cancelledAt,
      steps: [],
      events: [],
      status: 'cancelled',
      reason: 'cancelled while queued',
      cancelledBy: cancelled.cancelledBy,
    };
  }
  return undefined;
}

/**
 * The deploy its owner has taken out of the queue to run: between that and
 * its workflow's start there is no workflow to read, but the deploy exists.
 * It reads as queued, as a workflow does before a worker has picked it up.
 */
export function runningRecord(owner: OwnerState, id: string): DeployRecord | undefined {
  const request = owner.runningRequest;
  if (owner.running !== id || request?.spec.deploymentId !== id) return undefined;
  const { project, environment } = owner.settings;
  const { spec, kind, enqueuedAt } = request;
  return { id, kind, project, environment, image: spec.image, requestedBy: spec.requestedBy, ...(spec.trigger && { trigger: spec.trigger }), release: id, createdAt: new Date(enqueuedAt).toISOString(), steps: [], events: [], status: 'queued' };
}
