import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { CaddyClient } from '../../src/proxy/caddy/caddy-client';
import type { BerthProcess } from '../support/berth-process';
import { ProductionBerth } from '../support/production-berth';
import { getThroughProxy } from '../support/proxy-client';
import { SecondHost } from '../support/second-host';

const project = 'multihost';
const second = new SecondHost();

/**
 * Several Docker hosts from one Temporal cluster: the world's dockerd and Caddy
 * are app1, a second dockerd and Caddy are app2, and each has its own Berth
 * worker process; the workflow worker and the API run apart. app3 never gets a
 * worker.
 */
describe('several Docker hosts', () => {
  const berth = new ProductionBerth({
    name: project,
    ports: '24000-24999',
    projects: {
      [project]: {
        host: 'app1',
        environments: { staging: {}, production: { host: 'app2', reconcile: { interval: '2s' } }, canary: { host: 'app3' } },
      },
    },
    hosts: {
      app2: { docker: `unix://${second.socket}`, network: 'host', ports: '25000-25499', address: '127.0.0.1', proxy: secondProxy() },
      app3: { docker: `unix://${second.socket}`, network: 'host', ports: '25500-25999', proxy: secondProxy(), hostTimeout: '6s' },
    },
  });
  let workers: { app1: BerthProcess; app2: BerthProcess };
  let client: Client;

  function secondProxy() {
    // Rendered when the config file is written, after the second host (and its Caddy) started.
    return { toJSON: () => ({ driver: 'caddy', adminUrl: `http://${second.caddyAdmin}`, listen: second.caddyListen, tls: 'off', server: 'berth-app2' }) };
  }
  const app2Get = (environment = 'production') => getThroughProxy(second.caddyListen, berth.hostname(project, environment), '/version');
  const app2Caddy = () => new CaddyClient({ adminUrl: `http://${second.caddyAdmin}`, server: 'berth-app2', listen: second.caddyListen, tls: 'off' }, pino({ level: 'silent' }));
  const workerLog = (worker: BerthProcess) =>
    fs
      .readFileSync(path.join(berth.dir, 'worker.log'), 'utf8')
      .split('\n')
      .filter((line) => line.includes(`"pid":${worker.pid},`));

  /**
   * On a cluster started moments ago the history service may not know the search attributes the
   * workers just added (its namespace cache refreshes every few seconds): the owner's first
   * workflow task fails and the API answers 500. Bounded retry for this file's first deploys only.
   */
  async function firstDeploy(tag: string, environment: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        return await berth.deploy(project, tag, environment);
      } catch (error) {
        if (!String(error).includes('deploy refused: 500') || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  beforeAll(async () => {
    await second.start();
    await second.removeContainers([project]);
    await berth.start();
    const [app1, app2] = await Promise.all([
      berth.spawn('worker', { args: ['--host', 'app1'] }),
      berth.spawn('worker', { env: { BERTH_HOSTS: 'app2' } }),
      berth.spawn('worker', { args: ['--workflows'] }),
      berth.spawn('api'),
    ]);
    workers = { app1, app2 };
    client = new Client({ connection: await Connection.connect({ address: berth.world.temporalAddress }), namespace: berth.world.namespace });
  }, 300_000);
  afterAll(async () => {
    await client?.connection.close();
    await berth.stop();
    await app2Caddy()
      .removeRoute({ project, environment: 'production' })
      .catch(() => undefined);
    await second.stop([project]);
  }, 120_000);

  it('deploys staging on app1 and production on app2, each on its own daemon behind its own proxy', async () => {
    const [staging, production] = await Promise.all([firstDeploy('v1', 'staging'), firstDeploy('v1', 'production')]);
    expect((await berth.waitForEnd(staging)).status).toBe('succeeded');
    expect((await berth.waitForEnd(production)).status).toBe('succeeded');

    expect((await berth.containers()).map((c) => c.release)).toEqual([staging]);
    expect((await second.containers([project])).map((c) => [c.environment, c.state])).toEqual([['production', 'running']]);
    expect(await berth.proxyGet(project, 'staging')).toEqual({ status: 200, body: 'v1' });
    expect(await app2Get('production')).toEqual({ status: 200, body: 'v1' });
    // Each proxy routes only its own host's environments.
    expect(await berth.proxyGet(project, 'production')).not.toEqual({ status: 200, body: 'v1' });
    expect(await app2Get('staging')).not.toEqual({ status: 200, body: 'v1' });
  });

  it('lists the hosts: which worker polls each, its Docker version and its environments', async () => {
    const answer = await berth.request('GET', '/v1/hosts');
    expect(answer.status).toBe(200);
    const byName = Object.fromEntries(answer.body.hosts.map((host: { name: string }) => [host.name, host]));
    const dockerVersion = (await second.docker.version()).Version;
    expect(byName.app1).toMatchObject({ taskQueue: 'berth-host-app1', worker: { polling: true }, docker: { version: dockerVersion }, environments: [{ project, environment: 'staging' }] });
    expect(byName.app2).toMatchObject({ taskQueue: 'berth-host-app2', worker: { polling: true }, docker: { version: dockerVersion }, environments: [{ project, environment: 'production' }] });
    // `--host app1` and BERTH_HOSTS=app2: each process polls only its own host's queue.
    expect(byName.app1.worker.identities.map((identity: string) => identity.split('@')[0])).toEqual([String(workers.app1.pid)]);
    expect(byName.app2.worker.identities.map((identity: string) => identity.split('@')[0])).toEqual([String(workers.app2.pid)]);
    expect(byName.app3).toMatchObject({ worker: { polling: false, identities: [] }, docker: null, dockerUnavailable: 'no worker polls berth-host-app3' });
    expect((await berth.request('GET', '/v1/hosts', undefined, berth.tokens.ci)).status).toBe(403);
  });

  it("makes app2's deploy wait, visibly, while app2's worker is down; staging is unaffected; it completes when the worker is back", async () => {
    await workers.app2.stop();
    const production = await berth.deploy(project, 'v2', 'production');
    const waiting = await berth.waitFor(production, (record) => record.waitingFor !== undefined, 60_000);
    expect(waiting).toMatchObject({ status: 'running', waitingFor: "waiting for host app2's worker" });
    expect(waiting.events.map((event) => event.message)).toContain("waiting for host app2's worker");
    const metadata = (await client.workflow.getHandle(production).query('__temporal_workflow_metadata')) as { currentDetails?: string };
    expect(metadata.currentDetails).toContain("waiting for host app2's worker");

    const staging = await berth.waitForEnd(await berth.deploy(project, 'v2', 'staging'));
    expect(staging.status).toBe('succeeded');
    expect(await berth.proxyGet(project, 'staging')).toEqual({ status: 200, body: 'v2' });
    expect((await berth.request('GET', `/v1/deployments/${production}`)).body).toMatchObject({ status: 'running', waitingFor: "waiting for host app2's worker" });

    workers.app2 = await berth.spawn('worker', { args: ['--host', 'app2'] });
    const done = await berth.waitForEnd(production);
    expect(done.status).toBe('succeeded');
    expect(done.waitingFor).toBeUndefined();
    expect(await app2Get('production')).toEqual({ status: 200, body: 'v2' });
  });

  it('fails a deploy on a host with no worker after its hostTimeout, leaving nothing behind', async () => {
    const record = await berth.waitForEnd(await berth.deploy(project, 'v1', 'canary'), 60_000);
    expect(record).toMatchObject({ status: 'failed', failedStep: 'pull' });
    expect(record.reason).toBe(
      "host app3's worker did not pick up the step within 6s (hosts.app3.hostTimeout): no Berth worker polls berth-host-app3; start one on that host with `berth worker --host app3`",
    );
    expect(record.waitingFor).toBeUndefined();
    expect((await second.containers([project])).filter((c) => c.environment === 'canary')).toEqual([]);
    expect((await berth.containers()).filter((c) => c.release === record.id)).toEqual([]);
    expect(await app2Caddy().currentUpstreams({ project, environment: 'canary' })).toBeUndefined();
  });

  it("heals drift on app2 (a killed container) with app2's worker", async () => {
    const [running] = (await second.containers([project])).filter((c) => c.environment === 'production' && c.state === 'running');
    await second.docker.getContainer(running.id).kill();
    const deadline = Date.now() + 60_000;
    let healed: string[] = [];
    while (Date.now() < deadline && !healed.some((line) => line.startsWith('started '))) {
      const owner = await berth.request('GET', `/v1/projects/${project}/environments/production`);
      healed = owner.body?.reconcile?.last?.healed ?? [];
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(healed.filter((line) => line.startsWith('started '))).toHaveLength(1);
    expect((await second.containers([project])).filter((c) => c.state === 'running').map((c) => [c.environment, c.id])).toEqual([['production', running.id]]);
    expect(await app2Get('production')).toEqual({ status: 200, body: 'v2' });
    expect(workerLog(workers.app2).some((line) => line.includes('drift found') && line.includes('"host":"app2"'))).toBe(true);
    expect(workerLog(workers.app1).some((line) => line.includes('drift found'))).toBe(false);
  });
});
