import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { chromium } from 'playwright-core';
import { temporalBinaryPath } from '../../src/embedded/temporal-binary';
import { berthSearchAttributes } from '../../src/model/search-attributes';
import type { BerthProcess } from '../support/berth-process';
import { ProductionBerth } from '../support/production-berth';
import { loadLoop } from '../support/proxy-client';

const run = promisify(execFile);
const project = 'proddeploy';

/** Berth as compose runs it: worker and API processes from dist/, Temporal server on PostgreSQL. */
describe('production topology: deploys', () => {
  const berth = new ProductionBerth({
    name: project,
    ports: '23000-23099',
    projects: { [project]: { host: project, environments: { staging: {}, production: { approval: 'required' } } } },
  });
  let api: BerthProcess;
  let client: Client;

  beforeAll(async () => {
    await berth.start();
    // Both start at once on a fresh cluster: each makes the namespace ready, and neither trips on the other.
    [, api] = await Promise.all([berth.spawn('worker'), berth.spawn('api')]);
    client = new Client({ connection: await Connection.connect({ address: berth.world.temporalAddress }), namespace: berth.world.namespace });
  }, 300_000);
  afterAll(async () => {
    await client?.connection.close();
    await berth.stop();
  });

  it('registered its search attributes on the cluster itself', async () => {
    const { customAttributes } = await client.connection.operatorService.listSearchAttributes({ namespace: berth.world.namespace });
    expect(Object.fromEntries(Object.keys(berthSearchAttributes).map((name) => [name, customAttributes?.[name]]))).toEqual(
      Object.fromEntries(Object.keys(berthSearchAttributes).map((name) => [name, 2])),
    );
  });

  it('deploys v1, then v2 under keep-alive load through the proxy with no failed request', async () => {
    expect((await berth.waitForEnd(await berth.deploy(project, 'v1'))).status).toBe('succeeded');
    const loop = loadLoop(berth.testWorld.caddyListenAddress, berth.hostname(project), '/version', { maxRequests: 20_000, maxMs: 90_000, keepAlive: true });
    const v2 = await berth.waitForEnd(await berth.deploy(project, 'v2'));
    const load = await loop.stop();
    expect(v2.status).toBe('succeeded');
    expect(load.failures).toEqual([]);
    expect(Object.keys(load.bodies).sort()).toEqual(['v1', 'v2']);
    expect(await berth.proxyGet(project)).toEqual({ status: 200, body: 'v2' });
  });

  it('takes an approval sent as the raw `approve` signal with the temporal CLI', async () => {
    const id = await berth.deploy(project, 'v2', 'production');
    await berth.waitFor(id, (record) => record.status === 'awaiting_approval');
    const signal = ['workflow', 'signal', '--address', berth.world.temporalAddress, '--namespace', berth.world.namespace, '--workflow-id', id, '--name', 'approve'];
    await run(temporalBinaryPath(), [...signal, '--input', JSON.stringify({ by: 'oncall', comment: 'from the CLI' })]);
    const record = await berth.waitForEnd(id);
    expect(record.status).toBe('succeeded');
    expect(record.approval).toMatchObject({ status: 'approved', by: 'oncall', comment: 'from the CLI', via: 'signal' });
    expect(await berth.proxyGet(project, 'production')).toEqual({ status: 200, body: 'v2' });
  });

  it('finds the deploys in SQL visibility by BerthProject and BerthStatus, as the Web UI filters', async () => {
    const query = `BerthProject="${project}" AND BerthStatus="succeeded" AND BerthEnvironment="staging"`;
    const deadline = Date.now() + 30_000;
    let ids: string[] = [];
    // Visibility trails the workflow by a moment.
    while (ids.length < 2 && Date.now() < deadline) {
      ids = [];
      for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(ids).toHaveLength(2);
    const listed = await berth.request('GET', `/v1/deployments?project=${project}&environment=staging&status=succeeded`);
    expect(listed.status).toBe(200);
    expect(listed.body.deployments.map((d: { id: string }) => d.id).sort()).toEqual([...ids].sort());
  });

  it('shows the deploy in the Web UI list filtered by BerthProject and BerthStatus, in Chromium', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', timeout: 30_000, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      page.setDefaultTimeout(20_000);
      // The UI is served from loopback; anything else it asks for stays unanswered.
      await page.route((url) => !url.href.startsWith(`${berth.world.uiUrl}/`), (route) => route.abort());
      const query = `BerthProject="${project}" AND BerthStatus="succeeded" AND BerthEnvironment="production"`;
      await page.goto(`${berth.world.uiUrl}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
      const [production] = (await berth.request('GET', `/v1/deployments?project=${project}&environment=production`)).body.deployments;
      const row = page.locator('tr', { has: page.getByRole('link', { name: production.id, exact: true }) });
      await row.waitFor();
      expect(await row.innerText()).toMatch(/Completed[\s\S]*deployWorkflow/);
    } finally {
      await browser.close();
    }
  });

  it('answers for deploys that ran while its API process was killed and restarted', async () => {
    berth.setFaults({ [project]: { health: { kind: 'delay', ms: 3000 } } });
    const id = await berth.deploy(project, 'v1');
    await api.kill();
    const killedAt = Date.now();
    api = await berth.spawn('api');
    const record = await berth.waitFor(id, () => true);
    console.log(`API killed with -9 mid-deploy: the restarted API answered for the deploy after ${((Date.now() - killedAt) / 1000).toFixed(1)} s`);
    expect(record.id).toBe(id);
    berth.setFaults({});
    expect((await berth.waitForEnd(id)).status).toBe('succeeded');
    expect(await berth.proxyGet(project)).toEqual({ status: 200, body: 'v1' });
  });
});
