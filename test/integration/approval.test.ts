import { eventually } from '../support/eventually';
import { Harness, tokens } from '../support/berth-harness';

/** Production waits for a person; the decision is durable, attributed and visible. */
describe('approval for production', () => {
  const berth = new Harness({
    name: 'approval',
    environments: {
      staging: {},
      production: { approval: 'required', after: 'staging', approvalTimeout: '2m' },
      // A window that is closed today, whatever day the tests run.
      frozen: { window: `${['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 3) % 7]} 00:00-23:59 UTC`, outsideWindow: 'refuse' },
    },
  });

  beforeAll(async () => {
    await berth.start();
    expect((await berth.deployAndWait('v1', 'staging')).status).toBe('succeeded');
    expect((await berth.deployAndWait('v2', 'staging')).status).toBe('succeeded');
  });
  afterAll(() => berth.stop());

  /** Polls until the deploy waits for approval; bounded. */
  function waitingFor(id: string): Promise<any> {
    return eventually(
      async () => {
        const { body } = await berth.request('GET', `/v1/deployments/${id}`);
        return body.status === 'awaiting_approval' && body;
      },
      { what: `${id} waiting for approval` },
    );
  }

  async function productionUntouched(serving: string | undefined): Promise<void> {
    const releases = await berth.releases('production');
    expect(releases.filter((r) => r.running).map((r) => r.release)).toEqual(serving ? [serving] : []);
    expect(await berth.proxy().currentUpstreams(berth.route('production'))).toEqual(
      serving ? [`127.0.0.1:${releases.find((r) => r.release === serving)!.port}`] : undefined,
    );
  }

  let serving: string | undefined;

  it('waits before anything visible changes, then proceeds when approved through the API', async () => {
    const id = await berth.deploy('v1', 'production', { commit: 'abcdef1' });
    const waiting = await waitingFor(id);

    expect(waiting.approval).toEqual({ status: 'waiting', requestedAt: expect.any(String) });
    expect(waiting.steps.map((s: any) => [s.name, s.status])).toEqual([
      ['pull', 'succeeded'],
      ['approval', 'running'],
    ]);
    await productionUntouched(undefined);
    const notice = berth.receiver.received.find((hook) => hook.json.deploymentId === id && hook.json.event === 'awaiting_approval')!;
    expect(notice.json).toMatchObject({
      status: 'awaiting_approval',
      commit: 'abcdef1',
      digest: expect.stringMatching(/^sha256:/),
      howToApprove: {
        api: expect.stringContaining(`/v1/deployments/${id}/approve`),
        temporal: `temporal workflow signal --workflow-id ${id} --name approve --input '{"by":"your-name","comment":"..."}'`,
      },
    });
    const description = await berth.client.workflow.getHandle(id).describe();
    expect(description.searchAttributes.BerthStatus).toEqual(['awaiting_approval']);

    const first = await berth.request('POST', `/v1/deployments/${id}/approve`, { comment: 'ship it' });
    const again = await berth.request('POST', `/v1/deployments/${id}/approve`, { comment: 'twice' });
    const approval = { status: 'approved', requestedAt: expect.any(String), decidedAt: expect.any(String), by: 'ops', comment: 'ship it', via: 'api' };
    expect(first).toEqual({ status: 200, body: { id, approval } });
    expect(again).toEqual(first);

    const record = await berth.waitForEnd(id);
    expect(record.status).toBe('succeeded');
    expect(record.approval).toEqual(approval);
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: 'v1' });
    serving = record.id;
    expect(await berth.request('POST', `/v1/deployments/${id}/approve`, {})).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: `deployment "${id}" has finished; it is not waiting for approval` } },
    });
  });

  it('is approved by a raw Temporal signal, as the Web UI or CLI sends it', async () => {
    const id = await berth.deploy('v2', 'production');
    await waitingFor(id);
    await berth.client.workflow.getHandle(id).signal('approve', { by: 'alice', comment: 'lgtm' });

    const record = await berth.waitForEnd(id);
    expect(record.status).toBe('succeeded');
    expect(record.approval).toMatchObject({ status: 'approved', by: 'alice', comment: 'lgtm', via: 'signal' });
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: 'v2' });
    serving = record.id;
  });

  it("names the approver in the environment's history and in the deploy list", async () => {
    const env = await berth.request('GET', `/v1/projects/${berth.project}/environments/production`, undefined, tokens.reader);
    const [bySignal, byApi] = env.body.history;
    expect(bySignal.approval).toEqual({ decision: 'approved', by: 'alice', at: expect.any(String), comment: 'lgtm', via: 'signal' });
    expect(byApi.approval).toEqual({ decision: 'approved', by: 'ops', at: expect.any(String), comment: 'ship it', via: 'api' });
    expect(env.body.current.approval).toEqual(bySignal.approval);

    const list = await berth.request('GET', `/v1/deployments?project=${berth.project}&environment=production`, undefined, tokens.reader);
    const listed = Object.fromEntries(list.body.deployments.map((d: any) => [d.id, d.approval]));
    expect(listed[bySignal.deploymentId]).toEqual(bySignal.approval);
    expect(listed[byApi.deploymentId]).toEqual(byApi.approval);
  });

  it('rejected: ends rejected and production is never touched', async () => {
    const id = await berth.deploy('v1', 'production');
    await waitingFor(id);
    expect((await berth.request('POST', `/v1/deployments/${id}/approve`, {}, tokens.ci)).status).toBe(403);
    const rejected = await berth.request('POST', `/v1/deployments/${id}/reject`, { comment: 'not on a Friday' });
    expect(rejected.body.approval).toMatchObject({ status: 'rejected', by: 'ops', comment: 'not on a Friday' });
    expect((await berth.request('POST', `/v1/deployments/${id}/approve`, {})).status).toBe(409);

    const record = await berth.waitForEnd(id);
    expect(record.status).toBe('rejected');
    expect(record.reason).toBe('rejected by ops: not on a Friday');
    expect(record.steps.map((s) => s.name)).not.toContain('start');
    await productionUntouched(serving);
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: 'v2' });
    expect(berth.receiver.eventsFor(id)).toEqual(['started', 'awaiting_approval', 'rejected']);
  });

  it('refuses a deploy outside the window when the environment says so', async () => {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'frozen', tag: 'v1' }, tokens.ci);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(/^approval\/frozen deploys only within ".+ 00:00-23:59 UTC"; nothing was started$/);
    expect(await berth.releases('frozen')).toEqual([]);
  });

  it('refuses a production deploy of what never succeeded in staging', async () => {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'production', tag: 'slow' }, tokens.ci);
    expect(response).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: `approval/production deploys only what succeeded in staging, and ${berth.image('slow')} has not; nothing was started` } },
    });
  });

  it('runs a pipeline: staging, then a wait for approval, then production with the same digest', async () => {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environments: ['staging', 'production'], tag: 'v2' }, tokens.ci);
    expect(response.status).toBe(202);
    const { id, stages } = response.body;
    expect(stages).toHaveLength(2);

    await waitingFor(stages[1]);
    const staging = await berth.request('GET', `/v1/deployments/${stages[0]}`);
    expect(staging.body.status).toBe('succeeded');
    const pipeline = await berth.request('GET', `/v1/deployments/${id}`);
    expect(pipeline.body).toMatchObject({ kind: 'pipeline', status: 'running', stages: [{ environment: 'staging', status: 'succeeded' }, { environment: 'production', status: 'running' }] });
    await productionUntouched(serving);

    expect((await berth.request('POST', `/v1/deployments/${stages[1]}/approve`, { comment: 'promote' })).status).toBe(200);
    const finished = await berth.waitForEnd(id);
    expect(finished).toMatchObject({ status: 'succeeded', digest: staging.body.digest });
    const production = await berth.request('GET', `/v1/deployments/${stages[1]}`);
    expect(production.body).toMatchObject({ status: 'succeeded', image: `${berth.world.registryAddress}/fixture/web@${staging.body.digest}`, digest: staging.body.digest });
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: 'v2' });
  });

  it('keeps waiting across a worker restart, and the approval still goes through', async () => {
    const id = await berth.deploy('v1', 'production');
    await waitingFor(id);
    await berth.restartWorkers();
    expect((await berth.request('POST', `/v1/deployments/${id}/approve`, { comment: 'after restart' })).status).toBe(200);

    const record = await berth.waitForEnd(id);
    expect(record.status).toBe('succeeded');
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: 'v1' });
  });
});
