import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness, tokens } from '../support/berth-harness';
import { eventually } from '../support/eventually';
import { freeLoopbackPort } from '../support/free-port';
import { buildVersion, pushAs, startHookRegistry, type HookRegistry } from '../support/hook-registry';
import { readOwner } from '../../src/temporal/owner-client';

const secret = 'hook-secret-for-tests';
const semver = '/^v\\d+\\.\\d+\\.\\d+$/';
const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/registry-hooks', name));
const run = Date.now().toString(36);

/** Deploys that start themselves: a real registry's push notifications, and Docker Hub's and GitHub's payloads. */
describe('registry webhooks', () => {
  let registry: HookRegistry;
  let berth: Harness;
  let repository: string;
  const built: string[] = [];

  beforeAll(async () => {
    const [apiPort, registryPort] = await Promise.all([freeLoopbackPort(), freeLoopbackPort()]);
    process.env.BERTH_TEST_HOOK_SECRET = secret;
    const address = `127.0.0.1:${registryPort}`;
    repository = `${address}/fixture/hooks`;
    const hook = { secret: 'env:BERTH_TEST_HOOK_SECRET' };
    berth = new Harness({
      name: 'hooks',
      apiPort,
      project: { image: repository },
      environments: {
        staging: { autoDeploy: { tags: ['main'] } },
        burst: { autoDeploy: { tags: ['burst'] } },
        production: { approval: 'required', autoDeploy: { tags: [semver] } },
      },
      config: { hooks: { registry: [{ name: 'local', ...hook }, { name: 'hub', ...hook }, { name: 'github', ...hook }] } },
      otherProjects: {
        'hooks-hub': { image: 'svendowideit/testhook', environments: { staging: { host: 'hooks', hostname: 'hub.hooks.test.localhost', autoDeploy: { tags: ['latest'] } } } },
        'hooks-gh': { image: 'ghcr.io/octo-org/hello-app', environments: { production: { host: 'hooks', hostname: 'gh.hooks.test.localhost', autoDeploy: { tags: [semver] } } } },
      },
    });
    await berth.start();
    registry = await startHookRegistry({ address, hookUrl: `${berth.apiUrl}/v1/hooks/registry/local`, secret, logFile: `${__dirname}/../../.berth/test/hook-registry.log` });
  });

  afterAll(async () => {
    await registry?.stop();
    await berth?.stop();
    for (const image of built) await berth.docker.getImage(image).remove({ force: true }).catch(() => undefined);
  });

  async function build(version: string): Promise<string> {
    const image = await buildVersion(berth.docker, berth.image('v1'), repository, `${version}-${run}`);
    built.push(image);
    return image;
  }

  /** Every deploy the environment's owner has run, runs, holds or superseded. */
  async function deploysOf(environment: string): Promise<Set<string>> {
    const owner = await readOwner(berth.client, berth.project, environment);
    const ids = [owner?.running, ...(owner?.queue ?? []).map((q) => q.spec.deploymentId), ...(owner?.history ?? []).map((h) => h.deploymentId), ...(owner?.superseded ?? []).map((s) => s.deploymentId)];
    return new Set(ids.filter((id): id is string => id !== undefined));
  }

  /** Waits until `count` deploys the owner did not know of in `known` appear; bounded. */
  async function newDeploys(environment: string, known: Set<string>, count = 1, timeoutMs = 60_000): Promise<string[]> {
    return eventually(
      async () => {
        const fresh = [...(await deploysOf(environment))].filter((id) => !known.has(id));
        if (fresh.length < count) throw new Error(`${fresh.length} of ${count} new deploys of ${environment}`);
        return fresh.sort();
      },
      { what: `${count} new deploys of ${environment}`, timeoutMs },
    );
  }

  it('deploys staging from a docker push of a new main, pinned by digest, with no call to the deploy API', async () => {
    const image = await build('main-1');
    const before = await deploysOf('staging');
    const pushedAt = Date.now();
    const digest = await pushAs(berth.docker, image, repository, 'main');
    const [id] = await newDeploys('staging', before);
    const record = await berth.waitForEnd(id);
    const servingAt = Date.now();
    console.log(`docker push of main → serving through the proxy: ${servingAt - pushedAt} ms`);

    expect(record).toMatchObject({ status: 'succeeded', requestedBy: 'registry:local', image: `${repository}@${digest}`, digest, trigger: { tag: 'main', digest } });
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: `main-1-${run}` });
  });

  it('deploys nothing for the same digest pushed again, nor for a tag no environment watches', async () => {
    const before = await deploysOf('staging');
    const beforeProduction = await deploysOf('production');
    await pushAs(berth.docker, `${repository}:main`, repository, 'main');
    await pushAs(berth.docker, `${repository}:main`, repository, 'feature-x');
    // Notifications reach Berth in order: once a later push has deployed, the two before it were answered.
    const next = await build('main-2');
    await pushAs(berth.docker, next, repository, 'main');
    const [id] = await newDeploys('staging', before);
    expect((await berth.waitForEnd(id)).status).toBe('succeeded');

    expect([...(await deploysOf('staging'))].sort()).toEqual([...before, id].sort());
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: `main-2-${run}` });
    // feature-x matches production's /pattern/ no more than staging's tag.
    expect(await deploysOf('production')).toEqual(beforeProduction);
  });

  it('answers 401 to a wrong or missing secret, 202 to a push nobody watches, 404 to an unknown hook, and starts nothing', async () => {
    const before = await deploysOf('staging');
    const body = JSON.stringify({ events: [{ action: 'push', target: { repository: 'fixture/hooks', tag: 'main', digest: `sha256:${'b'.repeat(64)}` }, request: { host: registry.address } }] });
    const post = (headers: Record<string, string>) =>
      fetch(`${berth.apiUrl}/v1/hooks/registry/local`, { method: 'POST', headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers }, body });
    const wrong = await post({ authorization: 'Bearer not-the-secret' });
    const missing = await post({});
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'the distribution hook "local" did not present its secret' } });
    expect(await deploysOf('staging')).toEqual(before);

    const unwatched = JSON.stringify({ events: [{ action: 'push', target: { repository: 'someone/else', tag: 'main', digest: `sha256:${'c'.repeat(64)}` }, request: { host: registry.address } }] });
    const headers = { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${secret}` };
    const ignored = await fetch(`${berth.apiUrl}/v1/hooks/registry/local`, { method: 'POST', headers, body: unwatched });
    expect({ status: ignored.status, body: await ignored.json() }).toEqual({ status: 202, body: { deployments: [], ignored: [] } });
    const unknown = await fetch(`${berth.apiUrl}/v1/hooks/registry/nobody`, { method: 'POST', headers, body: unwatched });
    expect(unknown.status).toBe(404);
    expect(await deploysOf('staging')).toEqual(before);
  });

  /** Nothing can be pulled from Docker Hub or GHCR here: the deploy's record is what shows it was the right one. */
  async function startedAndStopped(response: Response) {
    const body = (await response.json()) as { ignored: unknown[]; deployments: Array<{ id: string }> };
    expect({ status: response.status, ignored: body.ignored }).toEqual({ status: 202, ignored: [] });
    const [started] = body.deployments;
    // Queued, taken to run, or running: a deploy the hook started is never unknown, not even between its owner's queue and its workflow.
    const answer = await berth.request('GET', `/v1/deployments/${started.id}`);
    expect(answer.status).toBe(200);
    const record = answer.body;
    await berth.request('POST', `/v1/deployments/${started.id}/cancel`);
    await berth.waitForEnd(started.id);
    return { started, record };
  }

  it("starts the right deploy from Docker Hub's payload, with the secret in the URL", async () => {
    const post = (query: string) => fetch(`${berth.apiUrl}/v1/hooks/registry/hub${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('dockerhub-push.json') });
    expect((await post('?secret=wrong')).status).toBe(401);
    const { started, record } = await startedAndStopped(await post(`?secret=${secret}`));

    expect(started).toEqual({ project: 'hooks-hub', environment: 'staging', tag: 'latest', id: expect.stringMatching(/^hooks-hub-staging-/), duplicate: expect.any(Boolean) });
    expect(record).toMatchObject({ project: 'hooks-hub', environment: 'staging', image: 'svendowideit/testhook:latest', requestedBy: 'registry:hub', trigger: { tag: 'latest' } });
  });

  it("starts the right deploy from GitHub's package event, and refuses a bad signature", async () => {
    const body = fixture('github-package-published.json');
    const digest = 'sha256:8c5cbbf8f0dc0c3ed7e4d7a0c7a12cbf04a2bd3b4c8a94ee3e0aeb2a9b9f1f0e';
    const post = (signature: string) =>
      fetch(`${berth.apiUrl}/v1/hooks/registry/github`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-github-event': 'package', 'x-hub-signature-256': signature },
        body,
      });
    const before = await deploysOf('production');
    const forged = await post(`sha256=${createHmac('sha256', 'not-the-secret').update(body).digest('hex')}`);
    expect(forged.status).toBe(401);
    expect(await deploysOf('production')).toEqual(before);

    const { started, record } = await startedAndStopped(await post(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`));
    expect(started).toEqual({ project: 'hooks-gh', environment: 'production', tag: 'v1.4.0', digest, id: expect.stringMatching(/^hooks-gh-production-/), duplicate: expect.any(Boolean) });
    expect(record).toMatchObject({ image: `ghcr.io/octo-org/hello-app@${digest}`, requestedBy: 'registry:github', trigger: { tag: 'v1.4.0', digest } });
  });

  it('holds an auto-deployed v1.2.0 for approval in production, serving it only once approved', async () => {
    const image = await build('v1.2.0');
    const tag = 'v1.2.0';
    const before = await deploysOf('production');
    await pushAs(berth.docker, image, repository, tag);
    const [id] = await newDeploys('production', before);
    await eventually(async () => (await berth.request('GET', `/v1/deployments/${id}`)).body.status === 'awaiting_approval', { what: `${id} awaiting approval`, timeoutMs: 60_000 });

    expect((await berth.request('GET', `/v1/deployments/${id}`)).body).toMatchObject({ status: 'awaiting_approval', requestedBy: 'registry:local', trigger: { tag } });
    expect((await berth.proxyGet('production').catch(() => ({ status: 0, body: '' }))).body).not.toBe(`v1.2.0-${run}`);
    expect((await berth.request('POST', `/v1/deployments/${id}/approve`, {}, tokens.ops)).status).toBe(200);
    expect((await berth.waitForEnd(id)).status).toBe('succeeded');
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: `v1.2.0-${run}` });
  });

  it('coalesces three quick pushes: the first runs, the middle is superseded, the last runs', async () => {
    const images = [await build('burst-1'), await build('burst-2'), await build('burst-3')];
    const before = await deploysOf('burst');
    const digests: string[] = [];
    for (const image of images) digests.push(await pushAs(berth.docker, image, repository, 'burst'));
    const records = await Promise.all((await newDeploys('burst', before, 3)).map((id) => berth.waitForEnd(id)));
    const byDigest = (digest: string) => records.find((record) => record.image === `${repository}@${digest}`)?.status;

    expect(digests.map(byDigest)).toEqual(['succeeded', 'superseded', 'succeeded']);
    expect(await berth.proxyGet('burst')).toEqual({ status: 200, body: `burst-3-${run}` });
  });
});
