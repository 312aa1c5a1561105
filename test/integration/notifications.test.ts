import net from 'node:net';
import { Harness } from '../support/berth-harness';
import { eventually } from '../support/eventually';
import { freeLoopbackPort } from '../support/free-port';

/** Receivers that fail never hold up a deploy or repeat a delivery; a queued deploy can be cancelled. */
describe('notifications and the queue', () => {
  let refusingPort: number;
  // Accepts connections and never answers.
  const hangingSockets = new Set<net.Socket>();
  const hanging = net.createServer((socket) => {
    hangingSockets.add(socket);
    socket.on('close', () => hangingSockets.delete(socket));
  });
  const berth = new Harness({
    name: 'notifications',
    // The slow release needs a start period; the rest of the project's health settings still apply.
    environments: { staging: {}, queue: { health: { startPeriod: '10s' } } },
    notify: (hook) => [
      { type: 'webhook', url: `http://127.0.0.1:${refusingPort}/hook` },
      { type: 'webhook', url: `http://127.0.0.1:${(hanging.address() as net.AddressInfo).port}/hook`, timeout: '1s' },
      { type: 'webhook', url: hook },
    ],
  });

  beforeAll(async () => {
    refusingPort = await freeLoopbackPort();
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    await berth.start();
  });
  afterAll(async () => {
    await berth.stop();
    for (const socket of hangingSockets) socket.destroy();
    await new Promise((resolve) => hanging.close(resolve));
  });

  it('records the outcome at once, and a good receiver hears each event exactly once', async () => {
    const id = await berth.deploy('v1');
    const outcome = await berth.waitForOutcome(id);
    const lastStep = outcome.steps.at(-1)!;
    const gapMs = Date.parse(outcome.finishedAt!) - Date.parse(lastStep.finishedAt!);
    console.log(`succeeded recorded ${gapMs} ms after its last step (${lastStep.name}), with one receiver refusing and one never answering`);

    expect(outcome.status).toBe('succeeded');
    expect(gapMs).toBeLessThan(1000);
    // The Web UI's status column and the list read the search attribute; it is set while deliveries are still going out.
    const handle = berth.client.workflow.getHandle(id);
    const description = await handle.describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.searchAttributes.BerthStatus).toEqual(['succeeded']);
    // The list reads Temporal's visibility store, which follows the workflow's state a moment later.
    const listed = async () => (await berth.request('GET', `/v1/deployments?project=${berth.project}`)).body.deployments.find((d: { id: string }) => d.id === id);
    await eventually(async () => expect(await listed()).toMatchObject({ status: 'succeeded', finishedAt: outcome.finishedAt }), { what: 'the list showing the outcome', timeoutMs: 5_000 });
    // Still notifying, but finished: nothing left to cancel.
    expect((await berth.request('POST', `/v1/deployments/${id}/cancel`)).status).toBe(409);

    const closed = await berth.waitForEnd(id);
    expect(berth.receiver.eventsFor(id)).toEqual(['started', 'succeeded']);
    const undelivered = closed.events.filter((line) => line.step === 'notify').map((line) => line.message);
    const hangingPort = (hanging.address() as net.AddressInfo).port;
    const refused = `webhook 127.0.0.1:${refusingPort}: webhook 127.0.0.1:${refusingPort} unreachable: ECONNREFUSED`;
    const unanswered = `webhook 127.0.0.1:${hangingPort}: webhook 127.0.0.1:${hangingPort} did not answer within 1000 ms`;
    expect(undelivered.sort()).toEqual(
      [`started not delivered to ${refused}`, `started not delivered to ${unanswered}`, `succeeded not delivered to ${refused}`, `succeeded not delivered to ${unanswered}`].sort(),
    );
    expect(closed.status).toBe('succeeded');
  });

  it('runs the next queued deploy while the previous one is still notifying', async () => {
    const first = await berth.deploy('v2');
    await berth.waitForOutcome(first);
    const second = await berth.deployAndWait('v1');
    const firstClosed = await berth.client.workflow.getHandle(first).describe();

    expect(second.status).toBe('succeeded');
    // The hanging receiver kept the first workflow open; the second did not wait for it.
    expect(Date.parse(second.steps[0].startedAt)).toBeLessThan(firstClosed.closeTime!.getTime());
    expect(berth.receiver.eventsFor(first)).toEqual(['started', 'succeeded']);
  });

  it('cancels a queued deploy: it leaves the queue and never runs, the running one is unaffected', async () => {
    const running = await berth.deploy('slow', 'queue');
    const queued = await berth.deploy('v2', 'queue');
    const before = await berth.request('GET', `/v1/deployments/${queued}`);
    expect(before.body).toMatchObject({ status: 'queued', position: 1 });

    const cancel = await berth.request('POST', `/v1/deployments/${queued}/cancel`);
    expect(cancel).toEqual({ status: 202, body: { id: queued, status: 'cancelled', reason: 'cancelled while queued' } });
    const again = await berth.request('POST', `/v1/deployments/${queued}/cancel`);
    expect(again.status).toBe(409);

    const record = await berth.waitForEnd(running);
    expect(record.status).toBe('succeeded');
    const cancelled = await berth.request('GET', `/v1/deployments/${queued}`);
    expect(cancelled.body).toMatchObject({ id: queued, status: 'cancelled', reason: 'cancelled while queued', cancelledBy: 'ops', steps: [] });
    expect(await berth.proxyGet('queue')).toEqual({ status: 200, body: 'slow' });
    expect((await berth.releases('queue')).map((r) => r.release)).not.toContain(queued);
    await expect(berth.client.workflow.getHandle(queued).describe()).rejects.toThrow(/not found/i);
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/queue`);
    expect(env.body.queue).toEqual([]);
    expect(env.body.settings.health).toMatchObject({ path: '/health', interval: 200, startPeriod: 10_000 });
  });
});
