import type { ContainerEventNotice, OwnerSettings, OwnerState, QueuedRequest, ReleaseSummary } from '../model/owner-types';
import type { DeployRecord, DeploySpec } from '../model/types';

export type { OwnerSettings, OwnerState, QueuedRequest, ReleaseSummary } from '../model/owner-types';

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
  };
}

export function remember(state: OwnerState, record: DeployRecord, spec: DeploySpec): void {
  const summary = summaryOf(record);
  state.history = [summary, ...state.history].slice(0, state.settings.historySize);
  if (record.status === 'succeeded') state.desired = { summary, spec, upstream: record.upstream };
  // What the deploy stopped on its way (the release it replaced) needs no heal.
  if (state.healPending !== state.desired?.summary.release) state.healPending = undefined;
}

/**
 * Only events about the release that should serve ask for a heal. Berth's own
 * stops and removals touch other releases (retired, candidates, strays), and
 * a deploy that ends replaces the desired release, so whatever it stopped is
 * forgotten then; the reconcile pass checks the real state either way.
 */
export function noteContainerEvent(state: OwnerState, notice: ContainerEventNotice): void {
  const desired = state.desired?.summary.release;
  if (desired === undefined) return;
  if (notice.resync || notice.events.some((event) => event.release === desired)) state.healPending = desired;
}

/** True when an event asked for a heal of what still is the desired release, and nothing else holds the environment. */
export function healDue(state: OwnerState): boolean {
  return state.healPending !== undefined && state.healPending === state.desired?.summary.release && !state.paused && state.running === undefined;
}

/** True once the heals within the window reached the cap: time to stop and alert. */
export function healCapReached(state: OwnerState, now: number): boolean {
  state.healTimes = state.healTimes.filter((at) => now - at < state.settings.healWindowMs);
  return state.healTimes.length >= state.settings.maxHeals;
}
