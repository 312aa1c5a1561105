import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import { ContainerClient } from '../../src/docker/container-client';
import { CaddyClient } from '../../src/proxy/caddy/caddy-client';
import { routeId } from '../../src/proxy/caddy/caddy-routes';
import { srvName } from '../../src/proxy/dns/upstream-names';
import { removeUpstreams } from '../../src/proxy/dns/upstream-state';
import type { DeployRecord, ReleaseContainer } from '../../src/model/types';
import { BerthProcess, buildDist } from './berth-process';
import { freeLoopbackPort } from './free-port';
import { productionConfig, type ProductionProject } from './production-config';
import { productionWorld, type ProductionWorld } from './production-world';
import { getThroughProxy, type ProxyAnswer } from './proxy-client';
import { readWorld } from './world';
import { isFinal } from '../../src/model/types';


export type { ProductionProject } from './production-config';

/**
 * Berth as a team runs it in production: the roles `worker` and `api` of
 * `node dist/main.js` as their own processes (the image adds jemalloc), against the Temporal server
 * on PostgreSQL, with a berth.yaml whose tokens are files.
 */
export class ProductionBerth {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-prod-'));
  readonly configFile = path.join(this.dir, 'berth.yaml');
  /** Per-host fault plan the worker processes read (FileFaults). */
  readonly faultsFile = path.join(this.dir, 'faults.json');
  readonly tokens = { ci: 'ci-production-token', ops: 'ops-production-token' };
  readonly testWorld = readWorld();
  readonly docker = new Dockerode({ socketPath: this.testWorld.dockerSocket });
  world!: ProductionWorld;
  apiUrl!: string;
  private readonly processes: BerthProcess[] = [];

  constructor(
    private readonly options: {
      name: string;
      projects: Record<string, ProductionProject>;
      ports: string;
      /** Host entries over the generated ones (another dockerd, its own proxy, ...), or extra hosts. */
      hosts?: Record<string, Record<string, unknown>>;
    },
  ) {}

  async start(): Promise<this> {
    this.world = await productionWorld();
    buildDist();
    const secrets = path.join(this.dir, 'secrets');
    fs.mkdirSync(secrets, { mode: 0o700 });
    fs.writeFileSync(path.join(secrets, 'berth_token_ci'), `${this.tokens.ci}\n`, { mode: 0o600 });
    fs.writeFileSync(path.join(secrets, 'berth_token_ops'), `${this.tokens.ops}\n`, { mode: 0o600 });
    const apiPort = await freeLoopbackPort();
    this.apiUrl = `http://127.0.0.1:${apiPort}`;
    const config = productionConfig({
      ...this.options,
      temporal: { address: this.world.temporalAddress, namespace: this.world.namespace },
      testWorld: this.testWorld,
      secretsDir: secrets,
      apiPort,
      hostname: (project, environment) => this.hostname(project, environment),
    });
    fs.writeFileSync(this.configFile, JSON.stringify(config, null, 2));
    this.setFaults({});
    await this.cleanup();
    return this;
  }

  hostname(project: string, environment = 'staging'): string {
    return `${environment}.${project}.prod.localhost`;
  }

  /** Starts a new `berth <role>` process; `afterAll` stops every one still running. */
  async spawn(role: 'worker' | 'api', extra: { args?: string[]; env?: NodeJS.ProcessEnv } = {}): Promise<BerthProcess> {
    const process = new BerthProcess(role, {
      configFile: this.configFile,
      logFile: path.join(this.dir, `${role}.log`),
      env: { BERTH_FAULTS_FILE: this.faultsFile, ...extra.env },
      args: extra.args,
    });
    this.processes.push(process);
    return process.start();
  }

  /** `{ "<host>": { "<step>": Fault } }`, read by the worker processes at each step. */
  setFaults(plan: Record<string, Record<string, unknown>>): void {
    fs.writeFileSync(this.faultsFile, JSON.stringify(plan));
  }

  async request(method: string, route: string, body?: unknown, token = this.tokens.ops): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.apiUrl}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async deploy(project: string, tag: string, environment = 'staging'): Promise<string> {
    const response = await this.request('POST', '/v1/deployments', { project, environment, tag }, this.tokens.ci);
    if (response.status !== 202) throw new Error(`deploy refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  /** Polls until `accept(record)` holds; bounded. A refused connection (API restarting) counts as not yet. */
  async waitFor(id: string, accept: (record: DeployRecord) => boolean, timeoutMs = 120_000): Promise<DeployRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.request('GET', `/v1/deployments/${id}`).catch((error: Error) => ({ status: 0, body: error.message }));
      if (response.status === 200 && accept(response.body)) return response.body;
      if (Date.now() > deadline) throw new Error(`deploy ${id}: condition not met within ${timeoutMs} ms; last answer ${JSON.stringify(response.body).slice(0, 1000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  waitForEnd(id: string, timeoutMs = 120_000): Promise<DeployRecord> {
    return this.waitFor(id, (record) => isFinal(record.status), timeoutMs);
  }

  /** Waits until the deploy's `step` is running. */
  waitForStep(id: string, step: string, timeoutMs = 60_000): Promise<DeployRecord> {
    return this.waitFor(id, (record) => record.steps.some((s) => s.name === step && s.status === 'running'), timeoutMs);
  }

  proxyGet(project: string, environment = 'staging', route = '/version'): Promise<ProxyAnswer> {
    return getThroughProxy(this.testWorld.caddyListenAddress, this.hostname(project, environment), route);
  }

  releases(project: string, environment = 'staging'): Promise<ReleaseContainer[]> {
    return new ContainerClient(this.docker, pino({ level: 'silent' })).listReleases(project, environment);
  }

  /** Every container Berth labelled for these projects, with or without a record. */
  async containers(): Promise<Array<{ project: string; release: string; state: string }>> {
    const all = await this.docker.listContainers({ all: true, filters: { label: ['berth.project'] } });
    return all
      .filter((c) => c.Labels['berth.project'] in this.options.projects)
      .map((c) => ({ project: c.Labels['berth.project'], release: c.Labels['berth.release'], state: c.State }));
  }

  /** Removes these projects' containers and routes, so reruns start from nothing. */
  async cleanup(): Promise<void> {
    const all = await this.docker.listContainers({ all: true, filters: { label: ['berth.project'] } });
    const ours = all.filter((c) => c.Labels['berth.project'] in this.options.projects);
    await Promise.all(ours.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    const caddy = new CaddyClient({ adminUrl: `http://${this.testWorld.caddyAdminAddress}`, server: 'berth-test', listen: this.testWorld.caddyListenAddress, tls: 'off' }, pino({ level: 'silent' }));
    for (const [project, settings] of Object.entries(this.options.projects)) {
      for (const environment of Object.keys(settings.environments ?? { staging: {} })) {
        await caddy.removeRoute({ project, environment });
        removeUpstreams(this.testWorld.upstreamDns.stateDir, srvName(routeId({ project, environment })));
      }
    }
  }

  async stop(): Promise<void> {
    for (const process of this.processes.reverse()) await process.stop().catch(() => undefined);
    await this.cleanup().catch(() => undefined);
  }
}
