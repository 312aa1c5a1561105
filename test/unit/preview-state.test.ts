import type { PreviewInstance, PreviewSettings, PreviewState } from '../../src/model/preview-types';
import { deployGraceMs, deployed, drop, expire, finished, inFlightOf, nextExpiry, register, removeTag, started } from '../../src/workflows/preview-state';

const settings: PreviewSettings = { project: 'web', environment: 'preview', host: 'local', defaultHostname: 'stage-preview-web.preview.localhost', maxInstances: 2, ttlMs: 1000 };
const instance = (tag: string): PreviewInstance => ({
  tag,
  instance: `stage-preview-web-${tag}`,
  hostname: `stage-preview-web-${tag}.preview.localhost`,
  url: `http://stage-preview-web-${tag}.preview.localhost`,
  image: `web:${tag}`,
  deploymentId: `d-${tag}`,
  requestedBy: 'ci',
  deployedAt: 0,
});
const empty = (): PreviewState => ({ settings, instances: [], removing: [] });

describe('the preview coordinator state', () => {
  it('removes the least recently deployed instance past maxInstances, never the one just deployed', () => {
    const state = empty();
    register(state, { settings, instance: instance('a') }, 1);
    register(state, { settings, instance: instance('b') }, 2);
    register(state, { settings, instance: instance('a') }, 3);
    expect(register(state, { settings, instance: instance('c') }, 4)).toEqual({ ok: true });
    expect(state.instances.map((i) => i.tag)).toEqual(['a', 'c']);
    expect(state.removing).toEqual([{ instance: { ...instance('b'), deployedAt: 2, expiresAt: 2 + deployGraceMs + 1000 }, reason: 'maxInstances (2) reached: b was deployed least recently' }]);
  });

  it('refuses a tag whose name another tag holds, and a tag still being removed', () => {
    const state = empty();
    register(state, { settings, instance: instance('a') }, 1);
    expect(register(state, { settings, instance: { ...instance('a'), tag: 'A' } }, 2)).toEqual({ ok: false, conflictWith: 'a' });
    drop(state, 'a', 'removed by ops');
    expect(register(state, { settings, instance: instance('a') }, 3)).toEqual({ ok: false, conflictWith: 'a' });
  });

  it('counts the ttl from the end of the latest deploy, and expires what is past it', () => {
    const state = empty();
    register(state, { settings, instance: instance('a') }, 1);
    expect(nextExpiry(state)).toBe(1 + deployGraceMs + 1000);
    deployed(state, 'a', 'd-old', 50);
    expect(nextExpiry(state)).toBe(1 + deployGraceMs + 1000);
    deployed(state, 'a', 'd-a', 100);
    expect(nextExpiry(state)).toBe(1100);
    expire(state, 1099);
    expect(state.removing).toEqual([]);
    expire(state, 1100);
    expect(state.instances).toEqual([]);
    expect(state.removing.map((r) => r.reason)).toEqual(['not deployed again within its ttl (1000 ms)']);
    expect(nextExpiry(state)).toBeUndefined();
  });

  it('answers false when removing a tag it does not hold', () => {
    expect(drop(empty(), 'nope', 'removed by ops')).toBe(false);
  });

  it('answers a second DELETE of a tag being removed as the first, without removing it twice', () => {
    const state = empty();
    register(state, { settings, instance: instance('a') }, 1);
    expect(removeTag(state, 'a', 'removed by ops')).toBe(true);
    expect(removeTag(state, 'a', 'removed by ci')).toBe(true);
    expect(state.removing.map((r) => r.reason)).toEqual(['removed by ops']);
    state.removing = [];
    expect(removeTag(state, 'a', 'removed by ci')).toBe(false);
  });

  it('keeps each tag\'s deploys that have not reported their end, for a removal to wait on', () => {
    const state = empty();
    register(state, { settings, instance: instance('a') }, 1);
    register(state, { settings, instance: { ...instance('a'), deploymentId: 'd-a2' } }, 2);
    register(state, { settings, instance: instance('b') }, 3);
    expect(inFlightOf(state, 'a')).toEqual(['d-a', 'd-a2']);
    deployed(state, 'a', 'd-a', 4);
    expect(inFlightOf(state, 'a')).toEqual(['d-a2']);
    drop(state, 'a', 'removed by ops');
    // A deploy of a tag being removed still reports, and is forgotten.
    deployed(state, 'a', 'd-a2', 5);
    expect(inFlightOf(state, 'a')).toEqual([]);
    finished(state, 'd-b');
    expect(state.inFlight).toEqual([]);
  });

  it('tracks at most ten unfinished deploys per tag, the newest, and a state carried from before tracking has none', () => {
    const state = empty();
    for (let i = 0; i < 12; i++) started(state, 'a', `d-${i}`);
    started(state, 'a', 'd-11');
    expect(inFlightOf(state, 'a')).toEqual(['d-2', 'd-3', 'd-4', 'd-5', 'd-6', 'd-7', 'd-8', 'd-9', 'd-10', 'd-11']);
    expect(inFlightOf(empty(), 'a')).toEqual([]);
    const carried = empty();
    finished(carried, 'd-x');
    expect(carried.inFlight).toBeUndefined();
  });
});
