import { eventually } from '../support/eventually';
import { Harness } from '../support/berth-harness';

/** Cancel stops a deploy at any step and compensates; the previous release keeps serving. */
describe('cancelling a deploy', () => {
  const berth = new Harness({ name: 'cancel' });
  let current: string;

  beforeAll(async () => {
    current = await berth.startServing('v1');
  });
  afterAll(() => berth.stop());
  afterEach(() => berth.faults.clear());

  /** Waits until the deploy's record shows `step` running; bounded. */
  async function waitForStep(id: string, step: string, timeoutMs = 30_000): Promise<void> {
    await eventually(
      async () => {
        const { body } = await berth.request('GET', `/v1/deployments/${id}`);
        return body.steps?.some((s: { name: string; status: string }) => s.name === step && s.status === 'running') === true;
      },
      { what: `step ${step} of ${id} running`, timeoutMs },
    );
  }

  async function cancelDuring(step: string, tag: string): Promise<void> {
    const id = await berth.deploy(tag);
    await waitForStep(id, step);
    const cancelled = await berth.request('POST', `/v1/deployments/${id}/cancel`, undefined);
    expect(cancelled).toEqual({ status: 202, body: { id, status: 'cancelling' } });
    const record = await berth.waitForEnd(id);

    expect(record.status).toBe('cancelled');
    expect(record.reason).toBe(`cancelled during ${step}`);
    expect(record.steps.find((s) => s.name === step)?.status).toBe('cancelled');
    expect(record.steps.find((s) => s.name === 'compensation')?.status).toBe('succeeded');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    expect((await berth.releases()).map((r) => [r.release, r.running])).toEqual([[current, true]]);
    expect(berth.receiver.eventsFor(id)).toEqual(['started', 'cancelled']);
  }

  it('in the middle of the pull', async () => {
    berth.faults.set('pull', { kind: 'delay', ms: 60_000 });
    await cancelDuring('pull', 'v2');
  });

  it('during the health wait', async () => {
    berth.faults.set('health', { kind: 'delay', ms: 60_000 });
    await cancelDuring('health', 'v2');
  });

  it('during the monitor window, after traffic moved', async () => {
    berth.faults.set('monitor', { kind: 'delay', ms: 60_000 });
    await cancelDuring('monitor', 'v2');
  });

  it('refuses to cancel a finished deploy with 409, and an unknown one with 404', async () => {
    expect(await berth.request('POST', `/v1/deployments/${current}/cancel`)).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: `deployment "${current}" has already finished; nothing to cancel` } },
    });
    expect((await berth.request('POST', '/v1/deployments/cancel-staging-nosuch/cancel')).status).toBe(404);
    expect((await berth.request('POST', `/v1/deployments/${current}/cancel`, undefined, 'reader-token-for-tests')).status).toBe(403);
  });
});
