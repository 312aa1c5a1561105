import { Harness, tokens } from '../support/berth-harness';
import { eventually, present } from '../support/eventually';
import { buildVersion, pushAs } from '../support/hook-registry';
import { describeLoad, keepAliveLoad } from '../support/keepalive-load';
import { getThroughProxy } from '../support/proxy-client';
import { readWorld } from '../support/world';
import { previewName } from '../../src/config/preview-name';
import { ownerWorkflowId, previewsWorkflowId } from '../../src/workflows/definitions';

const domain = 'pv.previews.test.localhost';
const previews = (extra: Record<string, unknown>) => ({ previews: { domain, ...extra } });
/** Every tag this file deploys, by environment; the image tag is the tag with `/` as `-`. */
const tagsOf: Record<string, string[]> = { preview: ['feature/Login_v1.2', 'pr-7', 'Release.2'], capped: ['cap-a', 'cap-b', 'cap-c'], short: ['ttl-a'], auto: ['feature-auto', 'feature-two'] };
const hookSecret = 'preview-hook-secret-for-tests';
/** Kept-alive connections per hostname in the load. */
const connections = 2;

/** Preview instances: several tags of one project live at once, each at its own hostname, with a limit and an expiry. */
describe('preview instances', () => {
  const berth = new Harness({
    name: 'previews',
    environments: { preview: previews({ maxInstances: 5 }), capped: previews({ maxInstances: 2 }), short: previews({ ttl: '3s' }), auto: { ...previews({}), autoDeploy: { tags: ['/^feature-/'] } } },
    config: { hooks: { registry: [{ name: 'local', secret: 'env:BERTH_TEST_PREVIEW_HOOK_SECRET' }] } },
    project: { image: `${readWorld().registryAddress}/fixture/previews` },
  });
  const instanceOf = (environment: string, tag: string) => previewName('stage-{stage}-{project}-{tag}', { stage: environment, project: 'previews', tag });
  const hostOf = (environment: string, tag: string) => `${instanceOf(environment, tag)}.${domain}`;
  const routeOf = (environment: string, tag: string) => ({ project: berth.project, environment, instance: instanceOf(environment, tag), hostname: hostOf(environment, tag) });
  const get = (hostname: string) => getThroughProxy(berth.proxy().listen, hostname, '/version');
  const containersOf = async (environment: string, tag: string) =>
    (await berth.docker.listContainers({ all: true, filters: { label: [`berth.project=${berth.project}`, `berth.environment=${environment}`, `berth.instance=${instanceOf(environment, tag)}`] } })).map((c) => c.Id);

  /** Builds an image answering `version` and pushes it as the tag's image tag, as CI would. */
  async function push(tag: string, version = tag.replace(/\//g, '-')): Promise<string> {
    const repository = berth.config.projects[berth.project].image;
    return pushAs(berth.docker, await buildVersion(berth.docker, berth.image('v1'), repository, version), repository, tag.replace(/\//g, '-'));
  }

  async function deploy(environment: string, tag: string) {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment, tag }, tokens.ci);
    if (response.status !== 202) throw new Error(`deploy refused: ${response.status} ${JSON.stringify(response.body)}`);
    return { answer: response.body, record: await berth.waitForEnd(response.body.id) };
  }

  /** Stops what an earlier run of this file left in Temporal: coordinators and instance owners would heal or evict. */
  async function forgetEarlierRuns(): Promise<void> {
    for (const [environment, tags] of Object.entries(tagsOf)) {
      const ids = [previewsWorkflowId(berth.project, environment), ...tags.map((tag) => ownerWorkflowId(berth.project, environment, instanceOf(environment, tag)))];
      for (const id of ids) await berth.client.workflow.getHandle(id).terminate('a new test run').catch(() => undefined);
      // A route an earlier run may have left twice under one @id: each remove takes one.
      for (let i = 0; i < 3; i++) await berth.proxy().remove(berth.route(environment));
    }
    await berth.cleanup();
  }

  /** What the registry's notifications endpoint sends after a `docker push` of a tag. */
  async function notifyPush(tag: string, digest: string) {
    const [host, ...path] = berth.config.projects[berth.project].image.split('/');
    const envelope = { events: [{ action: 'push', target: { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', repository: path.join('/'), tag, digest }, request: { host } }] };
    const response = await fetch(`${berth.apiUrl}/v1/hooks/registry/local`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${hookSecret}` },
      body: JSON.stringify(envelope),
    });
    return { status: response.status, body: (await response.json()) as { deployments: Array<{ id: string; tag: string; duplicate?: boolean }>; ignored: Array<{ tag: string; reason: string }> } };
  }

  beforeAll(async () => {
    process.env.BERTH_TEST_PREVIEW_HOOK_SECRET = hookSecret;
    await berth.start();
    await forgetEarlierRuns();
    for (const tags of Object.values(tagsOf)) for (const tag of tags) if (!tag.startsWith('feature-')) await push(tag);
  });

  afterAll(async () => {
    for (const [environment, tags] of Object.entries(tagsOf)) for (const tag of tags) await berth.proxy().remove(routeOf(environment, tag)).catch(() => undefined);
    await forgetEarlierRuns().catch(() => undefined);
    await berth.stop();
  });

  it('serves three tags at once, each at its sanitised hostname, and the default name serves the last', async () => {
    const [first, second] = await Promise.all([deploy('preview', 'feature/Login_v1.2'), deploy('preview', 'pr-7')]);
    const third = await deploy('preview', 'Release.2');

    expect([first, second, third].map(({ record }) => record.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(first.answer).toMatchObject({ instance: 'stage-preview-previews-feature-login-v1-2', url: expect.stringMatching(/^http:\/\/stage-preview-previews-feature-login-v1-2\.pv\.previews\.test\.localhost:\d+$/) });
    expect(first.record.url).toBe(first.answer.url);
    expect(berth.receiver.received.find((hook) => hook.json.deploymentId === first.answer.id && hook.json.event === 'succeeded')?.json.url).toBe(first.answer.url);
    expect(await get('stage-preview-previews-feature-login-v1-2.pv.previews.test.localhost')).toEqual({ status: 200, body: 'feature-Login_v1.2' });
    expect(await get(hostOf('preview', 'pr-7'))).toEqual({ status: 200, body: 'pr-7' });
    expect(await get(hostOf('preview', 'Release.2'))).toEqual({ status: 200, body: 'Release.2' });
    expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: 'Release.2' });

    const listed = await berth.request('GET', `/v1/projects/${berth.project}/environments/preview/instances`, undefined, tokens.reader);
    // The first two were deployed at once, in either order; the third last.
    expect(listed.body.instances.map((i: any) => [i.tag, i.default])).toEqual([['Release.2', true], [expect.any(String), false], [expect.any(String), false]]);
    expect(listed.body.instances.map((i: any) => i.tag).slice(1).sort()).toEqual(['feature/Login_v1.2', 'pr-7']);
    expect(listed.body.instances[0]).toMatchObject({ image: expect.stringContaining('fixture/previews:Release.2'), digest: expect.stringMatching(/^sha256:/), deployedBy: 'ci', expiresAt: null });
  });

  it('redeploys one tag under load on all three hostnames: not one failed request on any of them, the other two containers untouched', async () => {
    const others = { login: await containersOf('preview', 'feature/Login_v1.2'), release: await containersOf('preview', 'Release.2') };
    await push('pr-7', 'pr-7-again');
    const hostnames = tagsOf.preview.map((tag) => hostOf('preview', tag));
    const loads = hostnames.map((hostname) => keepAliveLoad(berth.proxy().listen, hostname, '/version', { connections, maxRequests: 6000, maxMs: 60_000 }));
    const { record } = await deploy('preview', 'pr-7');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const reports = await Promise.all(loads.map((load) => load.stop()));

    reports.forEach((report, index) => console.log(describeLoad(hostnames[index], report)));
    expect(record.status).toBe('succeeded');
    // Both switches (the instance, then the default name) go through the upstream responder: Caddy
    // never reloads, so no kept-alive connection is closed and no request of any kind fails.
    expect(reports.map((report) => report.failures)).toEqual([[], [], []]);
    expect(Object.keys(reports[1].bodies).sort()).toEqual(['pr-7', 'pr-7-again']);
    expect(Object.keys(reports[0].bodies)).toEqual(['feature-Login_v1.2']);
    expect(Object.keys(reports[2].bodies)).toEqual(['Release.2']);
    expect({ login: await containersOf('preview', 'feature/Login_v1.2'), release: await containersOf('preview', 'Release.2') }).toEqual(others);
    // Deployed last, it is the default name's again.
    expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: 'pr-7-again' });
  });

  it('refuses a second tag that sanitises to a name another tag holds, naming it', async () => {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'preview', tag: 'PR_7' }, tokens.ci);
    expect(response).toEqual({ status: 409, body: { error: expect.objectContaining({ code: 'conflict', message: expect.stringContaining('with tag "pr-7"') }) } });
  });

  it('removes one instance with DELETE (the default name moving on when it was its); an unknown tag is 404, a token without deploy 403', async () => {
    const path = (tag: string) => `/v1/projects/${berth.project}/environments/preview/instances/${encodeURIComponent(tag)}`;
    expect((await berth.request('DELETE', path('no-such-tag'), undefined, tokens.ci)).status).toBe(404);
    expect((await berth.request('DELETE', path('feature/Login_v1.2'), undefined, tokens.reader)).status).toBe(403);
    expect(await berth.request('DELETE', path('feature/Login_v1.2'), undefined, tokens.ci)).toEqual({ status: 202, body: expect.objectContaining({ tag: 'feature/Login_v1.2', status: 'removing' }) });

    await eventually(async () => (await containersOf('preview', 'feature/Login_v1.2')).length === 0, { what: 'the instance removed' });
    expect(await berth.proxy().currentUpstreams(routeOf('preview', 'feature/Login_v1.2'))).toBeUndefined();
    expect(await get(hostOf('preview', 'pr-7'))).toEqual({ status: 200, body: 'pr-7-again' });
    const listed = await berth.request('GET', `/v1/projects/${berth.project}/environments/preview/instances`, undefined, tokens.reader);
    expect(listed.body.instances.map((i: any) => i.tag)).toEqual(['pr-7', 'Release.2']);

    // Removing the default name's instance moves the default name to the instance deployed most recently of those left.
    expect((await berth.request('DELETE', path('pr-7'), undefined, tokens.ci)).status).toBe(202);
    await eventually(async () => (await containersOf('preview', 'pr-7')).length === 0, { what: 'pr-7 removed' });
    expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: 'Release.2' });
  });

  it('with maxInstances 2, a third tag removes the least recently deployed, and a notification says which', async () => {
    for (const tag of tagsOf.capped) expect((await deploy('capped', tag)).record.status).toBe('succeeded');

    await eventually(async () => (await containersOf('capped', 'cap-a')).length === 0, { what: 'cap-a removed' });
    expect(await berth.proxy().currentUpstreams(routeOf('capped', 'cap-a'))).toBeUndefined();
    expect((await containersOf('capped', 'cap-b')).length).toBeGreaterThan(0);
    expect(await get(hostOf('capped', 'cap-c'))).toEqual({ status: 200, body: 'cap-c' });
    const removed = await eventually(() => present(berth.receiver.received.find((hook) => hook.json.event === 'instance_removed' && hook.json.environment === 'capped'), 'the notification'));
    expect(removed?.json).toMatchObject({ tag: 'cap-a', url: expect.stringContaining(hostOf('capped', 'cap-a')), reason: expect.stringContaining('maxInstances (2) reached') });
  });

  it('with ttl 3s, removes an instance not deployed again, a worker restart during the wait changing nothing', async () => {
    expect((await deploy('short', 'ttl-a')).record.status).toBe('succeeded');
    const listed = await berth.request('GET', `/v1/projects/${berth.project}/environments/short/instances`, undefined, tokens.reader);
    const expiresAt = Date.parse(listed.body.instances[0].expiresAt);
    await berth.restartWorkers();
    // The restart neither fired the timer early nor lost it.
    if (Date.now() < expiresAt - 500) expect((await containersOf('short', 'ttl-a')).length).toBeGreaterThan(0);

    await eventually(async () => (await containersOf('short', 'ttl-a')).length === 0, { what: 'the expired instance removed', timeoutMs: 30_000 });
    expect(await berth.proxy().currentUpstreams(routeOf('short', 'ttl-a'))).toBeUndefined();
    // The notification goes out once the removal is done.
    const hook = await eventually(() => present(berth.receiver.received.find((h) => h.json.event === 'instance_removed' && h.json.environment === 'short'), 'the notification'));
    expect(hook?.json).toMatchObject({ tag: 'ttl-a', reason: expect.stringContaining('ttl') });
    expect(Date.parse(String(hook?.json.at))).toBeGreaterThanOrEqual(expiresAt);
  });

  it('with autoDeploy, each pushed tag that matches becomes its own instance, pinned by digest; the same push again starts nothing', async () => {
    const first = await notifyPush('feature-auto', await push('feature-auto'));
    expect(first.status).toBe(202);
    const record = await berth.waitForEnd(first.body.deployments[0].id);
    expect(record).toMatchObject({ status: 'succeeded', requestedBy: 'registry:local', trigger: { tag: 'feature-auto', digest: expect.stringMatching(/^sha256:/) }, url: expect.stringContaining(hostOf('auto', 'feature-auto')) });
    const second = await notifyPush('feature-two', await push('feature-two'));
    await berth.waitForEnd(second.body.deployments[0].id);

    expect(await get(hostOf('auto', 'feature-auto'))).toEqual({ status: 200, body: 'feature-auto' });
    expect(await get(hostOf('auto', 'feature-two'))).toEqual({ status: 200, body: 'feature-two' });
    const again = await notifyPush('feature-auto', String(record.digest));
    expect(again.body.deployments).toEqual([]);
    expect(again.body.ignored).toEqual([expect.objectContaining({ tag: 'feature-auto', reason: expect.stringContaining('already serving') })]);
    expect((await notifyPush('hotfix-1', String(record.digest))).body).toEqual({ deployments: [], ignored: [] });
  });
});
