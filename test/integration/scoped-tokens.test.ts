import { readFileSync } from 'node:fs';
import { eventually } from '../support/eventually';
import { Harness, tokens } from '../support/berth-harness';

const scopedToken = 'scoped-token-one-project-staging-9d2e';

describe('a token limited to one project and one environment', () => {
  const berth = new Harness({
    name: 'scoped',
    environments: { staging: {}, production: { approval: 'required' } },
    tokens: [{ name: 'scoped', secret: 'env:SCOPED_TEST_TOKEN', scopes: ['deploy', 'approve', 'rollback', 'read'], projects: ['scoped'], environments: ['staging'] }],
  });

  /** A production deploy the limited token must not see: requested, then rejected. */
  let id: string;

  beforeAll(async () => {
    process.env.SCOPED_TEST_TOKEN = scopedToken;
    await berth.start();
    id = await berth.deploy('v1', 'production');
    await eventually(async () => (await berth.request('GET', `/v1/deployments/${id}`, undefined, tokens.reader)).body.status === 'awaiting_approval', { what: `${id} waiting for approval` });
    expect((await berth.request('POST', `/v1/deployments/${id}/reject`, { comment: 'not now' })).status).toBe(200);
    expect((await berth.waitForEnd(id)).status).toBe('rejected');
  });
  afterAll(() => berth.stop());

  it("refuses a token limited to one project's staging everything outside it, with 403, and logs who knocked without the token", async () => {
    const outside: Array<[string, string, unknown?]> = [
      ['POST', '/v1/deployments', { project: berth.project, environment: 'production', tag: 'crash' }],
      ['POST', '/v1/deployments', { project: 'other', environment: 'staging', tag: 'v1' }],
      ['POST', '/v1/deployments', { project: berth.project, environments: ['staging', 'production'], tag: 'crash' }],
      ['GET', `/v1/deployments/${id}`],
      ['GET', `/v1/deployments/${id}/events`],
      ['POST', `/v1/deployments/${id}/approve`, {}],
      ['POST', `/v1/deployments/${id}/reject`, {}],
      ['POST', `/v1/deployments/${id}/cancel`],
      ['GET', `/v1/projects/${berth.project}/environments/production`],
      ['POST', `/v1/projects/${berth.project}/environments/production/reconcile`, { paused: true }],
      ['POST', `/v1/projects/${berth.project}/environments/production/rollback`, {}],
      ['GET', '/v1/projects/other/environments/staging'],
      ['GET', '/v1/deployments?environment=production'],
      ['GET', '/v1/deployments?project=other'],
      ['GET', '/metrics'],
      ['POST', '/codec/decode', { payloads: [] }],
    ];
    const answers = [];
    for (const [method, path, body] of outside) answers.push([method, path, await berth.status(method, path, body, scopedToken)]);
    expect(answers).toEqual(outside.map(([method, path]) => [method, path, 403]));
    // The same requests from unlimited tokens get past this check (a read token for reads, ops for the rest);
    // deploy requests are left out, as they would start deploys.
    for (const [method, path, body] of outside.filter(([method, path]) => !path.startsWith('/codec') && !(method === 'POST' && path === '/v1/deployments'))) {
      expect([method, path, await berth.status(method, path, body, method === 'GET' ? tokens.reader : tokens.ops)]).not.toEqual([method, path, 403]);
    }

    const inside = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'staging', tag: 'crash' }, scopedToken);
    expect(inside.status).toBe(202);
    expect((await berth.request('GET', `/v1/deployments/${inside.body.id}`, undefined, scopedToken)).status).toBe(200);
    expect((await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`, undefined, scopedToken)).status).toBe(200);
    const listed = await berth.request('GET', '/v1/deployments?pageSize=100', undefined, scopedToken);
    expect(listed.status).toBe(200);
    expect(listed.body.deployments.map((d: { id: string }) => d.id)).not.toContain(id);
    expect(new Set(listed.body.deployments.map((d: { environment: string }) => d.environment))).toEqual(new Set(listed.body.deployments.length ? ['staging'] : []));
    await berth.waitForEnd(inside.body.id);

    const log = readFileSync(`${__dirname}/../../.berth/test/berth-scoped.log`, 'utf8');
    const refused = log.split('\n').filter((line) => line.includes('"request refused"')).map((line) => JSON.parse(line));
    expect(refused).toEqual(expect.arrayContaining([expect.objectContaining({ callerAddress: '127.0.0.1', route: 'GET /metrics', code: 'forbidden' })]));
    expect(log).not.toContain(scopedToken);
  });

});
