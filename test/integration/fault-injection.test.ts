import type { Fault, FaultPoint } from '../../src/activities/faults';
import { Harness } from '../support/berth-harness';

/**
 * Each step fails in turn. Whatever fails, the previous release keeps serving
 * through the proxy, no candidate container is left, and the record says what happened.
 */
describe('fault injection at every step', () => {
  const berth = new Harness({ name: 'faults' });
  let current: string;

  beforeAll(async () => {
    current = await berth.startServing('v1');
  });
  afterAll(() => berth.stop());
  afterEach(() => berth.faults.clear());

  const cases: Array<[FaultPoint, Fault, 'failed' | 'rolled_back', string]> = [
    ['pull', { kind: 'before' }, 'failed', 'injected fault at pull, before acting'],
    ['pull', { kind: 'after' }, 'failed', 'injected fault at pull, after acting'],
    ['start', { kind: 'before' }, 'failed', 'injected fault at start, before acting'],
    // The process "dies" after the container started and before the result was recorded:
    // the workflow never learns the container id, and compensation still finds it by name.
    ['start', { kind: 'after' }, 'failed', 'injected fault at start, after acting, before the result was recorded'],
    ['health', { kind: 'before' }, 'failed', 'injected fault at health, before acting'],
    ['switch', { kind: 'before' }, 'failed', 'injected fault at switch, before acting'],
    ['switch', { kind: 'after' }, 'failed', 'injected fault at switch, after acting'],
    ['monitor', { kind: 'before' }, 'rolled_back', 'injected fault at monitor, before acting'],
  ];

  it.each(cases)('%s fails (%j): ends %s and v1 keeps serving', async (point, fault, status, reason) => {
    berth.faults.set(point, fault);
    const record = await berth.deployAndWait('v2');

    expect(record.status).toBe(status);
    expect(record.failedStep).toBe(point === 'pull' || point === 'start' || point === 'health' || point === 'switch' || point === 'monitor' ? point : undefined);
    expect(record.reason).toContain(reason);
    expect(record.steps.find((step) => step.name === point)).toMatchObject({ status: 'failed', error: expect.stringContaining(reason) });
    expect(record.steps.find((step) => step.name === 'compensation')).toMatchObject({ status: 'succeeded' });
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    const releases = await berth.releases();
    expect(releases.map((r) => [r.release, r.running])).toEqual([[current, true]]);
    const eventKinds = berth.receiver.eventsFor(record.id);
    expect(eventKinds).toEqual(['started', status]);
  });

  it('an undo that keeps failing ends failed, names what is left to fix, and raises a critical notification', async () => {
    berth.faults.set('health', { kind: 'before' });
    berth.faults.set('remove-candidate', { kind: 'before' });
    const record = await berth.deployAndWait('v2');

    expect(record.status).toBe('failed');
    expect(record.steps.find((step) => step.name === 'compensation')).toMatchObject({ status: 'failed' });
    expect(record.leftToFix).toEqual(['remove the candidate container: injected fault at remove-candidate, before acting']);
    const alert = berth.receiver.received.find((hook) => hook.json.deploymentId === record.id && hook.json.event === 'compensation_failed');
    expect(alert?.json).toMatchObject({ leftToFix: record.leftToFix });
    // Honest about it: the candidate is still there for a person to remove, and v1 still serves.
    expect((await berth.releases()).map((r) => r.release).sort()).toEqual([current, record.id].sort());
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    await berth.docker.getContainer(`berth-${record.id}`).remove({ force: true });
  });

  it('a failure to retire the old release does not undo a verified one', async () => {
    berth.faults.set('retire', { kind: 'before' });
    const record = await berth.deployAndWait('v2');

    expect(record.status).toBe('succeeded');
    expect(record.steps.find((step) => step.name === 'retire')).toMatchObject({ status: 'failed', error: expect.stringContaining('injected fault at retire') });
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
    // The old release still runs; the next deploy or a person retires it.
    const releases = await berth.releases();
    expect(releases.map((r) => [r.release, r.running])).toEqual([
      [record.id, true],
      [current, true],
    ]);
  });
});
