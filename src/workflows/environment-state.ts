import { approverOf, type ApproverSummary } from './approval-types';
import type { DeployKind, DeployRecord, DeploySpec, DeployStatus } from './types';

/** How the owner of one environment behaves; refreshed from config with every request. */
export interface OwnerSettings {
  project: string;
  environment: string;
  reconcileIntervalMs: number;
  /** Heals allowed within `healWindowMs` before reconciliation stops and alerts. */
  maxHeals: number;
  healWindowMs: number;
  idempotencyWindowMs: number;
  /** Deploys per workflow run before continue-as-new keeps the history short. */
  continueAsNewAfter: number;
  historySize: number;
}

export interface QueuedRequest {
  kind: DeployKind;
  spec: DeploySpec;
  idempotencyKey?: string;
  enqueuedAt: number;
}

export interface ReleaseSummary {
  deploymentId: string;
  kind: DeployKind;
  release: string;
  image: string;
  digest?: string;
  commit?: string;
  requestedBy: string;
  status: DeployStatus;
  finishedAt?: string;
  /** Who approved (or rejected) it, when the environment asks for approval. */
  approval?: ApproverSummary;
}

/** A request taken out of the queue by a person before it ran. */
export interface CancelledRequest {
  deploymentId: string;
  kind: DeployKind;
  image: string;
  requestedBy: string;
  enqueuedAt: number;
  cancelledBy: string;
  cancelledAt: string;
}

export interface ReconcileReport {
  at: string;
  healed: string[];
  problems: string[];
}

/** Everything the owner carries across continue-as-new. Plain data only. */
export interface OwnerState {
  settings: OwnerSettings;
  queue: QueuedRequest[];
  running?: string;
  /** The release that should serve, with the spec that made it (for recreating it). */
  desired?: { summary: ReleaseSummary; spec: DeploySpec; upstream?: string };
  history: ReleaseSummary[];
  superseded: Array<{ deploymentId: string; by: string; image: string; requestedBy: string; enqueuedAt: number }>;
  /** Requests cancelled before they ran; absent in state carried from before cancel existed. */
  cancelled?: CancelledRequest[];
  idempotency: Array<{ key: string; deploymentId: string; at: number }>;
  paused: boolean;
  pausedReason?: string;
  healTimes: number[];
  lastReconcile?: ReconcileReport;
  deploysThisRun: number;
}

export function initialState(settings: OwnerSettings): OwnerState {
  return { settings, queue: [], history: [], superseded: [], idempotency: [], paused: false, healTimes: [], deploysThisRun: 0 };
}

/** A retried request with the same key within the window gets the same deployment id. */
export function findDuplicate(state: OwnerState, key: string | undefined, now: number): string | undefined {
  state.idempotency = state.idempotency.filter((entry) => now - entry.at < state.settings.idempotencyWindowMs);
  return key === undefined ? undefined : state.idempotency.find((entry) => entry.key === key)?.deploymentId;
}

export function enqueue(state: OwnerState, request: QueuedRequest): number {
  state.queue.push(request);
  if (request.idempotencyKey) state.idempotency.push({ key: request.idempotencyKey, deploymentId: request.spec.deploymentId, at: request.enqueuedAt });
  return state.queue.length;
}

/** Takes a queued request out of the queue, so it never runs; false when it is not queued (any more). */
export function cancelQueued(state: OwnerState, deploymentId: string, by: string, at: string): boolean {
  const index = state.queue.findIndex((request) => request.spec.deploymentId === deploymentId);
  if (index < 0) return false;
  const [request] = state.queue.splice(index, 1);
  const { image, requestedBy } = request.spec;
  state.cancelled = [...(state.cancelled ?? []), { deploymentId, kind: request.kind, image, requestedBy, enqueuedAt: request.enqueuedAt, cancelledBy: by, cancelledAt: at }].slice(-200);
  return true;
}

/** A request that found the environment idle runs at once; later ones wait behind it. */
export function takeOldest(state: OwnerState): QueuedRequest | undefined {
  return state.queue.shift();
}

/** Coalescing after a deploy: only the newest request runs; the ones before it are superseded by it. */
export function takeNewest(state: OwnerState): QueuedRequest | undefined {
  const newest = state.queue.pop();
  if (!newest) return undefined;
  for (const older of state.queue) {
    const { deploymentId, image, requestedBy } = older.spec;
    state.superseded.push({ deploymentId, by: newest.spec.deploymentId, image, requestedBy, enqueuedAt: older.enqueuedAt });
  }
  state.superseded = state.superseded.slice(-200);
  state.queue = [];
  return newest;
}

export function summaryOf(record: DeployRecord): ReleaseSummary {
  return {
    deploymentId: record.id,
    kind: record.kind,
    release: record.release,
    image: record.image,
    digest: record.digest,
    commit: record.commit,
    requestedBy: record.requestedBy,
    status: record.status,
    finishedAt: record.finishedAt,
    ...(approverOf(record.approval) && { approval: approverOf(record.approval) }),
  };
}

export function remember(state: OwnerState, record: DeployRecord, spec: DeploySpec): void {
  const summary = summaryOf(record);
  state.history = [summary, ...state.history].slice(0, state.settings.historySize);
  if (record.status === 'succeeded') state.desired = { summary, spec, upstream: record.upstream };
}

/** True once the heals within the window reached the cap: time to stop and alert. */
export function healCapReached(state: OwnerState, now: number): boolean {
  state.healTimes = state.healTimes.filter((at) => now - at < state.settings.healWindowMs);
  return state.healTimes.length >= state.settings.maxHeals;
}
