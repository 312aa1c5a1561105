import { Harness } from '../support/berth-harness';
import { drain } from '../../src/embedded/image-import';
import { stepsIn } from '../support/history-steps';

const reconcile = { interval: '1s', maxHeals: 3, healWindow: '1m' };

/** One owner per environment: serialised, coalesced, idempotent deploys, and drift healed between them. */
describe('the environment owner', () => {
  const berth = new Harness({
    name: 'owner',
    // A project default: staging and flaky take it, queue overrides only the interval.
    // `events` reconciles every 10 min: only Docker's event stream can explain a heal within seconds there.
    project: { reconcile },
    environments: { staging: {}, queue: { reconcile: { interval: '1h' } }, flaky: {}, events: { reconcile: { interval: '10m', maxHeals: 5, healWindow: '1m' } } },
    config: { owner: { continueAsNewAfter: 3, historySize: 20 } },
  });

  beforeAll(() => berth.start());
  afterAll(() => berth.stop());

  const ownerId = (environment: string) => `env.${berth.project}.${environment}`;

  it('runs two requests made at the same moment one after the other', async () => {
    await berth.deployAndWait('v1', 'queue');
    let maxRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      for (let i = 0; sampling && i < 2000; i++) {
        maxRunning = Math.max(maxRunning, (await berth.releases('queue')).filter((r) => r.running).length);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const [a, b] = await Promise.all([berth.deploy('v2', 'queue'), berth.deploy('v1', 'queue')]);
    const [first, second] = await Promise.all([berth.waitForEnd(a), berth.waitForEnd(b)]);
    sampling = false;
    await sampler;

    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const [earlier, later] = Date.parse(first.finishedAt!) < Date.parse(second.finishedAt!) ? [first, second] : [second, first];
    expect(Date.parse(later.steps[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(earlier.finishedAt!));
    // The serving release plus one candidate, never two candidates at once.
    expect(maxRunning).toBe(2);
  });

  it('coalesces: of five quick requests the first runs, the last runs next, the three between are superseded', async () => {
    const ids: string[] = [];
    for (const tag of ['v2', 'v1', 'v2', 'v1', 'v2']) ids.push(await berth.deploy(tag, 'queue'));
    const queued = await berth.request('GET', `/v1/deployments/${ids[3]}`);
    expect(queued.body).toMatchObject({ status: 'queued', position: expect.any(Number) });
    const records = await Promise.all(ids.map((id) => berth.waitForEnd(id)));

    expect(records.map((r) => r.status)).toEqual(['succeeded', 'superseded', 'superseded', 'superseded', 'succeeded']);
    for (const record of records.slice(1, 4)) expect(record).toMatchObject({ supersededBy: ids[4], reason: `superseded by ${ids[4]}`, requestedBy: 'ci', image: expect.stringContaining('fixture/web:') });
    expect(await berth.proxyGet('queue')).toEqual({ status: 200, body: 'v2' });
  });

  it('gives a retried request with the same idempotency key the same deployment', async () => {
    const body = { project: berth.project, environment: 'queue', tag: 'v1', idempotencyKey: 'ci-run-42' };
    const first = await berth.request('POST', '/v1/deployments', body, 'ci-token-for-tests');
    const again = await berth.request('POST', '/v1/deployments', body, 'ci-token-for-tests');

    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 202, body: { id: first.body.id, status: 'queued', position: 0, duplicate: true } });
    expect((await berth.waitForEnd(first.body.id)).status).toBe('succeeded');
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/queue`);
    expect(env.body.history.filter((entry: any) => entry.deploymentId === first.body.id)).toHaveLength(1);
  });

  it('heals a killed container, a deleted route and a stray container', async () => {
    const record = await berth.deployAndWait('v1', 'staging');
    // The project's default reconcile interval reached the owner of an environment that does not override it.
    const owner = await berth.client.workflow.getHandle(ownerId('staging')).query<{ settings: Record<string, number> }>('owner');
    expect(owner.settings).toMatchObject({ reconcileIntervalMs: 1000, maxHeals: 3, healWindowMs: 60_000 });
    const settings = async (environment: string) => (await berth.request('GET', `/v1/projects/${berth.project}/environments/${environment}`)).body.settings.reconcile;
    expect(await settings('staging')).toEqual({ interval: 1000, maxHeals: 3, healWindow: 60_000, probe: 600_000 });
    expect(await settings('queue')).toEqual({ interval: 3_600_000, maxHeals: 3, healWindow: 60_000, probe: 600_000 });
    const [live] = (await berth.releases('staging')).filter((r) => r.running);

    const killedAt = Date.now();
    await berth.docker.getContainer(live.id).kill();
    await waitFor(async () => (await berth.proxyGet('staging').catch(() => undefined))?.body === 'v1' && (await berth.releases('staging')).some((r) => r.running));
    console.log(`killed live container healed after ${Date.now() - killedAt} ms (reconcile interval 1 s)`);

    await berth.proxy().remove(berth.route('staging'));
    await waitFor(async () => (await berth.proxy().currentUpstreams(berth.route('staging'))) !== undefined);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });

    const stray = await berth.docker.createContainer({
      Image: berth.image('v2'),
      name: `berth-${berth.project}-stray`,
      Env: ['PORT=21990'],
      Labels: { 'berth.managed': 'true', 'berth.project': berth.project, 'berth.environment': 'staging', 'berth.release': 'stray' },
      HostConfig: { NetworkMode: 'host' },
    });
    await stray.start();
    await waitFor(async () => !(await berth.releases('staging')).some((r) => r.release === 'stray'));

    // Each heal was announced; the last notification may land just after the stray is gone.
    const healed = () =>
      berth.receiver.received
        .filter((hook) => hook.json.event === 'drift_healed' && hook.json.deploymentId === record.id)
        .map((hook) => String(hook.json.reason))
        .join('; ');
    await waitFor(() => /started|restarted|recreated/.test(healed()) && /re-applied the route/.test(healed()) && /removed stray/.test(healed()));
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`);
    expect(env.body).toMatchObject({ current: { release: record.id }, reconcile: { paused: false } });
    // This worker process serves the host: the passes ran as local activities, none on the host's queue.
    // How many passes the current run holds depends on timing (the event stream, a continue-as-new), so count at least one.
    const passes = stepsIn((await berth.client.workflow.getHandle(ownerId('staging')).fetchHistory()).events ?? []);
    expect(passes.local.filter((step) => step === 'reconcileEnvironment').length).toBeGreaterThanOrEqual(1);
    expect(passes.scheduled.filter((step) => step.startsWith('reconcileEnvironment'))).toEqual([]);
  });

  it('heals a killed live container from Docker\'s event stream, long before the next reconcile pass', async () => {
    const record = await berth.deployAndWait('v1', 'events');
    expect(record.status).toBe('succeeded');
    const [live] = (await berth.releases('events')).filter((r) => r.running);
    // Docker's own restart policy would bring a killed container back too; without it, only Berth can.
    await berth.docker.getContainer(live.id).update({ RestartPolicy: { Name: 'no' } });

    const killedAt = Date.now();
    await berth.docker.getContainer(live.id).kill();
    await waitFor(async () => (await berth.proxyGet('events').catch(() => undefined))?.body === 'v1');
    console.log(`killed live container served again after ${Date.now() - killedAt} ms (reconcile interval 10 min: the event stream healed it)`);

    // The same container runs again (started, not replaced); Docker's list can trail the first answer.
    await waitFor(async () => JSON.stringify((await berth.releases('events')).filter((r) => r.running).map((r) => r.id)) === JSON.stringify([live.id]));
    await waitFor(() => berth.receiver.received.some((hook) => hook.json.event === 'drift_healed' && hook.json.environment === 'events' && String(hook.json.reason).startsWith(`started ${live.name}`)));
    expect((await berth.releases('events')).filter((r) => r.running).map((r) => r.id)).toEqual([live.id]);
    const history = await berth.client.workflow.getHandle(ownerId('events')).fetchHistory();
    const signals = history.events!.filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'containerEvent');
    expect(signals.length).toBeGreaterThanOrEqual(1);
  });

  it('recreates the serving release from its recorded digest when its container runs another image', async () => {
    const [live] = (await berth.releases('events')).filter((r) => r.running);
    const recorded = await berth.docker.getContainer(live.id).inspect();
    await drain(berth.docker, await berth.docker.pull(berth.image('v2')), 'pull v2');
    // An impostor under the release's name and labels, as a hand-made `docker run` would leave it; paused, so the swap itself is not healed half-way.
    expect((await berth.request('POST', `/v1/projects/${berth.project}/environments/events/reconcile`, { paused: true })).status).toBeLessThan(300);
    await berth.docker.getContainer(live.id).remove({ force: true });
    const impostor = await berth.docker.createContainer({
      name: live.name,
      Image: berth.image('v2'),
      // Only what Berth passed: the image's own VERSION must be v2's.
      Env: recorded.Config.Env.filter((entry) => entry.startsWith('PORT=')),
      Labels: recorded.Config.Labels,
      HostConfig: { NetworkMode: 'host' },
    });
    await impostor.start();
    await waitFor(async () => (await berth.proxyGet('events').catch(() => undefined))?.body === 'v2');

    expect((await berth.request('POST', `/v1/projects/${berth.project}/environments/events/reconcile`, { paused: false })).status).toBeLessThan(300);
    await waitFor(async () => (await berth.proxyGet('events').catch(() => undefined))?.body === 'v1');
    const [healed] = (await berth.releases('events')).filter((r) => r.running);
    expect(healed).toMatchObject({ name: live.name, release: live.release, digest: live.digest });
    expect((await berth.docker.getContainer(healed.id).inspect()).Image).toBe(recorded.Image);
    await waitFor(() => berth.receiver.received.some((hook) => hook.json.event === 'drift_healed' && hook.json.environment === 'events' && /recreated .* it ran image/.test(String(hook.json.reason))));
  });

  it('stops healing a release that keeps breaking, and raises an alert', async () => {
    const record = await berth.deployAndWait('flaky', 'flaky');
    expect(record.status).toBe('succeeded');
    await waitFor(() => berth.receiver.received.some((hook) => hook.json.event === 'drift_alert' && hook.json.environment === 'flaky'), 60_000);

    const heals = berth.receiver.received.filter((hook) => hook.json.event === 'drift_healed' && hook.json.environment === 'flaky');
    expect(heals).toHaveLength(3);
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/flaky`);
    expect(env.body.reconcile).toMatchObject({ paused: true, reason: expect.stringContaining('reconciliation stopped') });
  });

  it('continues as new after the configured number of deploys, keeping its state', async () => {
    await berth.deployAndWait('v2', 'queue');
    const historyBefore = (await berth.request('GET', `/v1/projects/${berth.project}/environments/queue`)).body.history;
    const before = await berth.client.workflow.getHandle(ownerId('queue')).describe();
    // continueAsNewAfter is 3: three more deploys cross at least one new run.
    let last;
    for (const tag of ['v1', 'v2', 'v1']) last = await berth.deployAndWait(tag, 'queue');
    const after = await berth.client.workflow.getHandle(ownerId('queue')).describe();

    expect(after.runId).not.toBe(before.runId);
    expect(after.status.name).toBe('RUNNING');
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/queue`);
    expect(env.body.current).toMatchObject({ release: last!.id, outcome: 'succeeded' });
    // Nothing recorded before the new run was lost.
    expect(env.body.history.slice(3)).toEqual(historyBefore);
    expect(await berth.proxyGet('queue')).toEqual({ status: 200, body: 'v1' });
  });
});

/** Polls a condition, bounded in time. */
async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
