import type { OwnerState, QueuedRequest } from '../model/owner-types';
import type { PolledCandidate } from '../model/registry-poll-types';
import { findDuplicate } from './environment-state';

/**
 * Pure: how long until the owner's next registry check is due (0: now), or
 * undefined when the environment does not poll. A first check is due at once;
 * a wait never exceeds one interval, so a shortened `poll` takes effect.
 */
export function msUntilPoll(state: OwnerState, now: number): number | undefined {
  const interval = state.settings.pollIntervalMs;
  if (interval === undefined) return undefined;
  if (state.nextPollAt === undefined) return 0;
  return Math.max(0, Math.min(state.nextPollAt - now, interval));
}

/**
 * Pure: when the check after one that was due at `dueAt` is due, one interval
 * on. A check that came late (a worker down, a slow registry) moves the
 * schedule instead of catching up with a burst of checks.
 */
export function nextPollAt(dueAt: number | undefined, now: number, intervalMs: number): number {
  const planned = (dueAt ?? now) + intervalMs;
  return planned > now ? planned : now + intervalMs;
}

/** The idempotency key of an automatic deploy: the same as a webhook's, so a push seen both ways is one deploy. */
export function autoDeployKey(project: string, environment: string, digest: string): string {
  return `auto/${project}/${environment}/${digest}`;
}

const pins = (image: string, digest: string) => image.endsWith(`@${digest}`);

/**
 * Pure: why a digest the registry holds starts nothing, or undefined when it
 * should deploy. A digest serving, queued, requested within the idempotency
 * window, or deployed before (whatever came of it) is not new: the poller
 * never repeats a failed deploy nor undoes a rollback; a new push does.
 */
export function pollSkipReason(state: OwnerState, candidate: PolledCandidate, now: number): string | undefined {
  const { digest } = candidate;
  const { project, environment } = state.settings;
  if (state.desired?.summary.digest === digest) return `${digest} is already serving`;
  if (findDuplicate(state, autoDeployKey(project, environment, digest), now)) return `${digest} was already requested`;
  if (state.queue.some((request) => request.spec.trigger?.digest === digest || pins(request.spec.image, digest))) return `${digest} is already queued`;
  const before = state.history.find((summary) => summary.digest === digest || pins(summary.image, digest));
  if (before) return `${digest} was deployed before (${before.deploymentId}: ${before.status})`;
  return undefined;
}

/** Pure: the first candidate that is new, as the request to enqueue, and why each one before it was passed over. */
export function choosePolled(state: OwnerState, candidates: PolledCandidate[], now: number): { request?: QueuedRequest; skipped: string[] } {
  const skipped: string[] = [];
  for (const candidate of candidates) {
    const reason = pollSkipReason(state, candidate, now);
    if (reason) {
      skipped.push(`${candidate.tag}: ${reason}`);
      continue;
    }
    const { project, environment } = state.settings;
    return { request: { kind: 'deploy', spec: candidate.spec, idempotencyKey: autoDeployKey(project, environment, candidate.digest), enqueuedAt: now }, skipped };
  }
  return { skipped };
}
