import type { PreviewInstance, PreviewState, RegisterAnswer, RegisterRequest } from '../model/preview-types';

/**
 * Until its deploy ends (and says so), an instance's expiry allows for the
 * deploy itself, so a short ttl never removes an instance mid-deploy; a deploy
 * that never reports (cancelled while queued) still expires in the end.
 */
export const deployGraceMs = 15 * 60_000;

/**
 * Pure steps of the preview coordinator: which tag holds which name, which
 * instance goes when the limit is reached, which have expired.
 */

/** The tag that already holds `instance`'s name, when another tag does. */
export function collision(instances: PreviewInstance[], tag: string, instance: string): string | undefined {
  return instances.find((held) => held.instance === instance && held.tag !== tag)?.tag;
}

/**
 * Records a deploy of a tag: a new instance, or a refreshed one (last deployed
 * now, expiry pushed back). Past `maxInstances` the least recently deployed
 * other instance moves to `removing`.
 */
export function register(state: PreviewState, request: RegisterRequest, now: number): RegisterAnswer {
  state.settings = request.settings;
  const taken = collision([...state.instances, ...state.removing.map((r) => r.instance)], request.instance.tag, request.instance.instance);
  if (taken !== undefined) return { ok: false, conflictWith: taken };
  // Still being removed: a deploy now would race the removal.
  if (state.removing.some((r) => r.instance.tag === request.instance.tag)) return { ok: false, conflictWith: request.instance.tag };
  const { ttlMs, maxInstances } = request.settings;
  const instance: PreviewInstance = { ...request.instance, deployedAt: now, ...(ttlMs !== undefined && { expiresAt: now + deployGraceMs + ttlMs }) };
  if (ttlMs === undefined) delete instance.expiresAt;
  state.instances = [...state.instances.filter((held) => held.tag !== instance.tag), instance];
  while (maxInstances !== undefined && state.instances.length > maxInstances) {
    const oldest = [...state.instances].filter((held) => held.tag !== instance.tag).sort((a, b) => a.deployedAt - b.deployedAt)[0];
    drop(state, oldest.tag, `maxInstances (${maxInstances}) reached: ${oldest.tag} was deployed least recently`);
  }
  started(state, instance.tag, instance.deploymentId);
  return { ok: true };
}

/** The instance's latest deploy ended: it expires `ttl` from now, unless deployed again. */
export function deployed(state: PreviewState, tag: string, deploymentId: string, now: number): void {
  finished(state, deploymentId);
  const instance = state.instances.find((held) => held.tag === tag && held.deploymentId === deploymentId);
  if (instance && state.settings.ttlMs !== undefined) instance.expiresAt = now + state.settings.ttlMs;
}

/** Moves an instance to `removing`; false when no instance has that tag. */
export function drop(state: PreviewState, tag: string, reason: string): boolean {
  const instance = state.instances.find((held) => held.tag === tag);
  if (!instance) return false;
  state.instances = state.instances.filter((held) => held !== instance);
  state.removing.push({ instance, reason });
  return true;
}

/** A DELETE: true while the tag is being removed too, so asking again is answered as the first time. */
export function removeTag(state: PreviewState, tag: string, reason: string): boolean {
  return drop(state, tag, reason) || state.removing.some((held) => held.instance.tag === tag);
}

/** Moves every instance whose expiry has passed to `removing`. */
export function expire(state: PreviewState, now: number): void {
  for (const instance of state.instances.filter((held) => held.expiresAt !== undefined && held.expiresAt <= now)) {
    drop(state, instance.tag, `not deployed again within its ttl (${state.settings.ttlMs} ms)`);
  }
}

/** When the next instance expires, if any does. */
export function nextExpiry(state: PreviewState): number | undefined {
  const times = state.instances.map((held) => held.expiresAt).filter((at): at is number => at !== undefined);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** How many unfinished deploys a tag keeps track of; older ones (duplicates, superseded) never report. */
const inFlightPerTag = 10;

/** A deploy of `tag` was registered: until it reports its end, removing the instance waits for it. */
export function started(state: PreviewState, tag: string, deploymentId: string): void {
  const others = (state.inFlight ?? []).filter((held) => held.tag !== tag);
  const mine = (state.inFlight ?? []).filter((held) => held.tag === tag && held.deploymentId !== deploymentId);
  state.inFlight = [...others, ...mine.slice(-(inFlightPerTag - 1)), { tag, deploymentId }];
}

/** The deploy ended (or will never run): nothing to wait for. */
export function finished(state: PreviewState, deploymentId: string): void {
  if (state.inFlight) state.inFlight = state.inFlight.filter((held) => held.deploymentId !== deploymentId);
}

/** The deploys of `tag` not known to have ended. */
export function inFlightOf(state: PreviewState, tag: string): string[] {
  return (state.inFlight ?? []).filter((held) => held.tag === tag).map((held) => held.deploymentId);
}
