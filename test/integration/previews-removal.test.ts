import { Harness, tokens } from '../support/berth-harness';
import { eventually, present } from '../support/eventually';
import { buildVersion, pushAs } from '../support/hook-registry';
import { getThroughProxy } from '../support/proxy-client';
import { readWorld } from '../support/world';
import { previewName } from '../../src/config/preview-name';
import { ownerWorkflowId, previewsWorkflowId } from '../../src/workflows/definitions';

const domain = 'rm.previews.test.localhost';
/** Fixture each tag's image is built from: `pv-stuck` never turns healthy, so its deploy sits in the health step. */
const baseOf: Record<string, string> = { 'pv-a': 'v1', 'pv-b': 'v1', 'pv-stuck': 'unhealthy' };

/**
 * Removing preview instances: a removal while the instance's deploy runs
 * leaves nothing behind, and the default name follows the most recently
 * deployed instance left, verified through the proxy.
 */
describe('preview instance removal', () => {
  const berth = new Harness({
    name: 'pvremove',
    environments: { preview: { previews: { domain } } },
    // 150 probes 200 ms apart: a deploy of the unhealthy tag stays in its health step for half a minute.
    project: { image: `${readWorld().registryAddress}/fixture/pvremove`, health: { path: '/health', interval: '200ms', timeout: '1s', retries: 150, monitor: '1s' } },
  });
  const instanceOf = (tag: string) => previewName('stage-{stage}-{project}-{tag}', { stage: 'preview', project: berth.project, tag });
  const hostOf = (tag: string) => `${instanceOf(tag)}.${domain}`;
  const routeOf = (tag: string) => ({ project: berth.project, environment: 'preview', instance: instanceOf(tag), hostname: hostOf(tag) });
  const containersOf = async (tag: string) =>
    (await berth.docker.listContainers({ all: true, filters: { label: [`berth.project=${berth.project}`, `berth.instance=${instanceOf(tag)}`] } })).map((c) => c.Names[0]);
  const listed = async () => (await berth.request('GET', `/v1/projects/${berth.project}/environments/preview/instances`, undefined, tokens.reader)).body.instances.map((i: { tag: string }) => i.tag);
  const removal = (tag: string) => eventually(() => present(berth.receiver.received.find((hook) => hook.json.event === 'instance_removed' && hook.json.tag === tag), `the removal of ${tag}`), { timeoutMs: 60_000 });

  async function start(tag: string): Promise<string> {
    const response = await berth.request('POST', '/v1/deployments', { project: berth.project, environment: 'preview', tag }, tokens.ci);
    if (response.status !== 202) throw new Error(`deploy refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  const remove = (tag: string) => berth.request('DELETE', `/v1/projects/${berth.project}/environments/preview/instances/${tag}`, undefined, tokens.ci);

  async function forgetEarlierRuns(): Promise<void> {
    const ids = [previewsWorkflowId(berth.project, 'preview'), ...Object.keys(baseOf).map((tag) => ownerWorkflowId(berth.project, 'preview', instanceOf(tag)))];
    for (const id of ids) await berth.client.workflow.getHandle(id).terminate('a new test run').catch(() => undefined);
    for (const tag of Object.keys(baseOf)) await berth.proxy().remove(routeOf(tag));
    await berth.cleanup();
  }

  beforeAll(async () => {
    await berth.start();
    await forgetEarlierRuns();
    const repository = berth.config.projects[berth.project].image;
    for (const [tag, base] of Object.entries(baseOf)) await pushAs(berth.docker, await buildVersion(berth.docker, berth.image(base), repository, tag), repository, tag);
  });

  afterAll(async () => {
    await forgetEarlierRuns().catch(() => undefined);
    await berth.stop();
  });

  it('the default name serves the latest deployed tag as soon as its deploy ends; the list shows each instance\'s tag, URL, image, digest, when and by whom', async () => {
    for (const tag of ['pv-a', 'pv-b']) {
      expect((await berth.waitForOutcome(await start(tag))).status).toBe('succeeded');
      // No waiting: the deploy's end means the proxy already answers the default name from the new release.
      expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: tag });
      expect(await getThroughProxy(berth.proxy().listen, hostOf(tag), '/version')).toEqual({ status: 200, body: tag });
    }
    const instances = (await berth.request('GET', `/v1/projects/${berth.project}/environments/preview/instances`, undefined, tokens.reader)).body.instances;
    expect(instances[0]).toEqual({
      tag: 'pv-b',
      instance: instanceOf('pv-b'),
      url: expect.stringMatching(new RegExp(`^http://${hostOf('pv-b').replace(/\./g, '\\.')}:\\d+$`)),
      default: true,
      image: expect.stringContaining('fixture/pvremove:pv-b'),
      digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      deploymentId: expect.any(String),
      release: expect.any(String),
      deployedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      deployedBy: 'ci',
      expiresAt: null,
    });
  });

  it('DELETE while the instance deploys cancels that deploy and leaves no container, route or record of it; the default name moves to the latest routed instance', async () => {
    const id = await start('pv-stuck');
    await eventually(async () => (await berth.request('GET', `/v1/deployments/${id}`, undefined, tokens.reader)).body.steps?.some((s: { name: string; status: string }) => s.name === 'health' && s.status === 'running'), {
      what: 'the stuck deploy in its health step',
      timeoutMs: 60_000,
    });
    expect((await containersOf('pv-stuck')).length).toBe(1);

    // The default name's instance goes while pv-stuck, deployed later, has no route yet: the name moves to pv-a.
    expect((await remove('pv-b')).status).toBe(202);
    await removal('pv-b');
    expect(await containersOf('pv-b')).toEqual([]);
    expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: 'pv-a' });

    expect(await remove('pv-stuck')).toEqual({ status: 202, body: expect.objectContaining({ tag: 'pv-stuck', status: 'removing' }) });
    expect(await listed()).toEqual(['pv-a']);
    const hook = await removal('pv-stuck');
    // The removal went last: the deploy had ended (cancelled, compensated) before it, so nothing came back after it.
    expect((await berth.waitForOutcome(id)).status).toBe('cancelled');
    expect(await containersOf('pv-stuck')).toEqual([]);
    expect(await berth.proxy().currentUpstreams(routeOf('pv-stuck'))).toBeUndefined();
    expect(hook?.json).toMatchObject({ tag: 'pv-stuck', url: expect.stringContaining(hostOf('pv-stuck')), reason: expect.stringContaining('removed by ci') });
    expect(await listed()).toEqual(['pv-a']);
    // The default name never moved to the instance that did not turn healthy.
    expect(await berth.proxyGet('preview')).toEqual({ status: 200, body: 'pv-a' });
    // Gone from the coordinator too: a second DELETE finds nothing.
    expect((await remove('pv-stuck')).status).toBe(404);
  });

  it('removing the last instance unroutes the default name', async () => {
    expect((await remove('pv-a')).status).toBe(202);
    await removal('pv-a');
    expect(await containersOf('pv-a')).toEqual([]);
    expect(await listed()).toEqual([]);
    expect(await berth.proxy().currentUpstreams(berth.route('preview'))).toBeUndefined();
    expect((await berth.proxyGet('preview')).body).not.toBe('pv-a');
  });
});
