import { containerEventFilters, parseContainerEvent, splitLines } from '../../src/docker/container-events';
import type { OwnerState } from '../../src/model/owner-types';
import { healDue, initialState, noteContainerEvent, remember } from '../../src/workflows/environment-state';
import type { DeployRecord, DeploySpec } from '../../src/model/types';

const labels = { 'berth.managed': 'true', 'berth.project': 'web', 'berth.environment': 'staging', 'berth.release': 'web-staging-a', image: 'x' };
const line = (action: string, attributes: Record<string, string> = labels, type = 'container') =>
  JSON.stringify({ Type: type, Action: action, Actor: { ID: 'c'.repeat(64), Attributes: attributes }, timeNano: 1 });

describe('Docker container events', () => {
  it('asks Docker for the actions that can need healing, on Berth containers only', () => {
    expect(containerEventFilters()).toEqual({ type: ['container'], event: ['die', 'oom', 'destroy'], label: ['berth.managed=true'] });
  });

  it('reads a die of a Berth container', () => {
    expect(parseContainerEvent(line('die'))).toEqual({ action: 'die', containerId: 'c'.repeat(64), project: 'web', environment: 'staging', release: 'web-staging-a' });
  });

  it('ignores other actions and types, foreign containers, and lines that are not JSON', () => {
    expect(parseContainerEvent(line('exec_die'))).toBeUndefined();
    expect(parseContainerEvent(line('die', labels, 'network'))).toBeUndefined();
    expect(parseContainerEvent(line('die', { ...labels, 'berth.managed': 'false' }))).toBeUndefined();
    expect(parseContainerEvent(line('die', { 'berth.managed': 'true', 'berth.project': 'web' }))).toBeUndefined();
    expect(parseContainerEvent('{"Type":')).toBeUndefined();
  });

  it('splits chunks into whole lines, keeping a partial line for the next chunk', () => {
    expect(splitLines('', '{"a":1}\n{"b"')).toEqual({ lines: ['{"a":1}'], rest: '{"b"' });
    expect(splitLines('{"b"', ':2}\n\n')).toEqual({ lines: ['{"b":2}'], rest: '' });
  });
});

describe('the owner and container events', () => {
  const settings = { project: 'web', environment: 'staging', reconcileIntervalMs: 600_000, maxHeals: 3, healWindowMs: 60_000, idempotencyWindowMs: 1, continueAsNewAfter: 50, historySize: 5 };
  const serving = (release: string): OwnerState => {
    const state = initialState(settings);
    remember(state, { id: release, kind: 'deploy', status: 'succeeded', release, image: 'r/web:v1', requestedBy: 'ci' } as DeployRecord, {} as DeploySpec);
    return state;
  };
  const died = (release: string) => ({ events: [{ action: 'die', release, containerId: 'c' }] });

  it('heals at once when the serving release dies', () => {
    const state = serving('a');
    noteContainerEvent(state, died('a'));
    expect(healDue(state)).toBe(true);
  });

  it('ignores what happens to releases that do not serve (retired, candidates, strays)', () => {
    const state = serving('a');
    noteContainerEvent(state, died('old'));
    expect(state.healPending).toBeUndefined();
    expect(healDue(state)).toBe(false);
  });

  it('waits while a deploy runs, and forgets the event when the deploy replaced the release', () => {
    const state = serving('a');
    state.running = 'b';
    noteContainerEvent(state, died('a'));
    expect(healDue(state)).toBe(false);
    remember(state, { id: 'b', kind: 'deploy', status: 'succeeded', release: 'b', image: 'r/web:v2', requestedBy: 'ci' } as DeployRecord, {} as DeploySpec);
    state.running = undefined;
    expect(state.healPending).toBeUndefined();
    expect(healDue(state)).toBe(false);
  });

  it('heals after a failed deploy that left the serving release touched', () => {
    const state = serving('a');
    state.running = 'b';
    noteContainerEvent(state, died('a'));
    remember(state, { id: 'b', kind: 'deploy', status: 'failed', release: 'b', image: 'r/web:v2', requestedBy: 'ci' } as DeployRecord, {} as DeploySpec);
    state.running = undefined;
    expect(healDue(state)).toBe(true);
  });

  it('checks after a lost event stream, but not while paused or before anything was deployed', () => {
    const state = serving('a');
    state.paused = true;
    noteContainerEvent(state, { events: [], resync: true });
    expect(healDue(state)).toBe(false);
    state.paused = false;
    expect(healDue(state)).toBe(true);
    const empty = initialState(settings);
    noteContainerEvent(empty, { events: [], resync: true });
    expect(healDue(empty)).toBe(false);
  });
});
