import { Harness, tokens } from '../support/berth-harness';

describe('rollback as a re-point', () => {
  const berth = new Harness({ name: 'rollback', environments: { staging: {}, empty: {} } });
  let v1: string;
  let v2: string;

  beforeAll(async () => {
    await berth.start();
    v1 = (await berth.deployAndWait('v1')).id;
    v2 = (await berth.deployAndWait('v2')).id;
  });
  afterAll(() => berth.stop());

  async function rollback(body: unknown = {}, token = tokens.ops) {
    return berth.request('POST', `/v1/projects/${berth.project}/environments/staging/rollback`, body, token);
  }

  it('shows the current release and the history of the environment', async () => {
    const { status, body } = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`, undefined, tokens.reader);

    expect(status).toBe(200);
    expect(body.current).toMatchObject({ release: v2, kind: 'deploy', outcome: 'succeeded', by: 'ci', image: berth.image('v2') });
    expect(body.history.map((entry: any) => [entry.release, entry.outcome])).toEqual([
      [v2, 'succeeded'],
      [v1, 'succeeded'],
    ]);
    for (const entry of body.history) {
      expect(entry).toMatchObject({ digest: expect.stringMatching(/^sha256:/), deployedAt: expect.any(String) });
    }
  });

  it('brings the previous release back from its retained container in seconds', async () => {
    const startedAt = Date.now();
    const response = await rollback();
    expect(response).toEqual({ status: 202, body: { id: expect.any(String), status: 'queued', release: v1 } });
    const record = await berth.waitForEnd(response.body.id);
    const elapsedMs = Date.now() - startedAt;

    console.log(`rollback v2 -> v1 with v1 retained: ${elapsedMs} ms from request to finished`);
    expect(record).toMatchObject({ kind: 'rollback', status: 'succeeded', release: v1, requestedBy: 'ops', image: berth.image('v1'), digest: expect.stringMatching(/^sha256:/) });
    expect(record.steps.map((s) => s.name)).toEqual(['prepare', 'health', 'switch', 'monitor', 'drain', 'retire']);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    expect((await berth.releases()).map((r) => [r.release, r.running])).toEqual([
      [v2, false],
      [v1, true],
    ]);
  });

  it('rolls forward again to the newest release that is not serving', async () => {
    const response = await rollback();
    expect(response.body.release).toBe(v2);
    expect((await berth.waitForEnd(response.body.id)).status).toBe('succeeded');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });

    // Rollbacks pin a digest, and still name the tag each release was deployed with.
    const env = (await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`, undefined, tokens.reader)).body;
    expect(env.current).toMatchObject({ kind: 'rollback', release: v2, image: berth.image('v2'), digest: expect.stringMatching(/^sha256:/) });
    expect(env.history.map((entry: any) => [entry.kind, entry.image])).toEqual([
      ['rollback', berth.image('v2')],
      ['rollback', berth.image('v1')],
      ['deploy', berth.image('v2')],
      ['deploy', berth.image('v1')],
    ]);
  });

  it('recreates a pruned release from its digest', async () => {
    await berth.docker.getContainer(`berth-${v1}`).remove({ force: true });
    const response = await rollback({ release: v1 });
    const record = await berth.waitForEnd(response.body.id);

    expect(record.status).toBe('succeeded');
    expect(record.digest).toMatch(/^sha256:/);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    const running = (await berth.releases()).filter((r) => r.running);
    expect(running.map((r) => r.release)).toEqual([record.id]);
  });

  it('refuses what it cannot do, starting nothing', async () => {
    const current = (await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`)).body.current.release;
    expect(await rollback({ release: current })).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: `release "${current}" is already serving ${berth.project}/staging` } },
    });
    expect(await berth.request('POST', `/v1/projects/${berth.project}/environments/empty/rollback`, {})).toEqual({
      status: 409,
      body: { error: { code: 'conflict', message: `${berth.project}/empty has no previous release to roll back to` } },
    });
    expect((await rollback({ release: 'no-such-release' })).status).toBe(404);
    expect((await rollback({ releese: v1 })).status).toBe(400);
    expect((await rollback({}, tokens.ci)).status).toBe(403);
    expect((await berth.request('POST', '/v1/projects/nope/environments/staging/rollback', {})).status).toBe(404);
  });
});
