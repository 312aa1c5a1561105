import { Harness, tokens } from '../support/berth-harness';

describe('the HTTP API', () => {
  const berth = new Harness({ name: 'api', environments: { staging: {}, production: { approval: 'required', after: 'staging' } } });

  beforeAll(() => berth.start());
  afterAll(() => berth.stop());

  async function deploysStarted(): Promise<number> {
    const { count } = await berth.client.workflow.count(`TaskQueue = "berth-${berth.project}"`);
    return count;
  }

  it('answers /healthz and /readyz without a token', async () => {
    expect(await berth.request('GET', '/healthz', undefined, null)).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await berth.request('GET', '/readyz', undefined, null)).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('refuses bad requests with clear errors and starts nothing', async () => {
    const valid = { project: 'api', environment: 'staging', tag: 'v1' };
    const cases: Array<[unknown, string | null, number, unknown]> = [
      [valid, null, 401, { code: 'unauthorized', message: 'a bearer token is required' }],
      [valid, 'wrong-token', 401, { code: 'unauthorized', message: 'the bearer token is not valid' }],
      [valid, tokens.reader, 403, { code: 'forbidden', message: 'token "reader" lacks the "deploy" scope' }],
      [
        { environment: 'staging', tag: 'v1 bad' },
        tokens.ci,
        400,
        {
          code: 'invalid_request',
          message: 'project: Invalid input: expected string, received undefined; tag: should be a Docker tag (letters, digits, _ . -; at most 128), or a branch name for previews',
          details: ['project: Invalid input: expected string, received undefined', 'tag: should be a Docker tag (letters, digits, _ . -; at most 128), or a branch name for previews'],
        },
      ],
      [
        { ...valid, image: `${berth.image('v1')}` },
        tokens.ci,
        400,
        { code: 'invalid_request', message: 'tag: give exactly one of "tag" or "image"', details: ['tag: give exactly one of "tag" or "image"'] },
      ],
      [
        { project: 'api', environment: 'staging', image: '127.0.0.1:5000/other/app:v1' },
        tokens.ci,
        400,
        { code: 'invalid_request', message: `image: should be a reference to ${berth.world.registryAddress}/fixture/web, the image of project "api"` },
      ],
      ['{"project":', tokens.ci, 400, { code: 'invalid_request', message: 'body: not valid JSON' }],
      [{ ...valid, project: 'nope' }, tokens.ci, 404, { code: 'not_found', message: 'project "nope" is not configured' }],
      [{ ...valid, environment: 'qa' }, tokens.ci, 404, { code: 'not_found', message: 'environment "qa" is not configured for project "api"' }],
      [
        { ...valid, environment: 'production' },
        tokens.ci,
        409,
        { code: 'conflict', message: `api/production deploys only what succeeded in staging, and ${berth.image('v1')} has not; nothing was started` },
      ],
    ];
    const before = await deploysStarted();
    for (const [body, token, status, error] of cases) {
      const response = await berth.request('POST', '/v1/deployments', body, token);
      expect({ body, status: response.status, error: response.body?.error }).toEqual({ body, status, error });
    }
    expect(await deploysStarted()).toBe(before);
  });

  it('answers 404 for an unknown deployment and an unknown route', async () => {
    expect((await berth.request('GET', '/v1/deployments/api-staging-doesnotexist')).status).toBe(404);
    expect((await berth.request('GET', '/v1/deployments/..%2Fetc')).status).toBe(404);
    expect((await berth.request('GET', '/v1/nothing-here')).body).toEqual({ error: { code: 'not_found', message: 'no route for GET /v1/nothing-here' } });
  });

  it('accepts a deploy with 202 and reports its record', async () => {
    const response = await berth.request('POST', '/v1/deployments', { project: 'api', environment: 'staging', image: berth.image('v2'), commit: 'abc1234' }, tokens.ci);

    expect(response.status).toBe(202);
    expect(response.body).toEqual({ id: expect.stringMatching(/^api-staging-/), status: 'queued', position: 1 });
    const record = await berth.waitForEnd(response.body.id);
    expect(record).toMatchObject({
      id: response.body.id,
      project: 'api',
      environment: 'staging',
      image: berth.image('v2'),
      commit: 'abc1234',
      requestedBy: 'ci',
      status: 'succeeded',
      digest: expect.stringMatching(/^sha256:/),
    });
    for (const step of record.steps) {
      expect(step).toEqual({ name: step.name, status: 'succeeded', startedAt: expect.any(String), finishedAt: expect.any(String) });
    }
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
  });
});
