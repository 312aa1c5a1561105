import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import Dockerode from 'dockerode';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { answerClientErrors } from '../../src/api/client-errors';
import { Faults } from '../../src/activities/faults';
import { dataConverterFor, payloadCodecFor } from '../../src/codec/data-converter';
import { parseConfig } from '../../src/config/load-config';
import type { BerthConfig } from '../../src/config/schema';
import { ContainerClient } from '../../src/docker/container-client';
import { proxyFor } from '../../src/config/schema';
import { createProxyDriver } from '../../src/worker/create-proxy-driver';
import type { ProxyDriver, RouteTarget } from '../../src/proxy/driver';
import { createWorkers } from '../../src/worker/create-workers';
import { tellOwner } from '../../src/temporal/owner-client';
import { startEventWatchers, type EventWatchers } from '../../src/worker/event-watchers';
import type { DeployRecord, ReleaseContainer } from '../../src/model/types';
import { getThroughProxy, type ProxyAnswer } from './proxy-client';
import { WebhookReceiver } from './webhook-receiver';
import { workflowBundlePath } from './workflow-bundle';
import { readWorld } from './world';
import { isFinal } from '../../src/model/types';

export const tokens = { ci: 'ci-token-for-tests', ops: 'ops-token-for-tests', reader: 'reader-token-for-tests' };

let runtimeInstalled = false;

export interface HarnessOptions {
  /** Unique per test file: names the project, host queue and hostnames. */
  name: string;
  /** Extra project settings merged over the defaults (health, keep, ...). */
  project?: Record<string, unknown>;
  environments?: Record<string, Record<string, unknown>>;
  /** Extra top-level config sections (registries, ...). */
  config?: Record<string, unknown>;
  /** Extra settings of the temporal section (encryption, ...). */
  temporal?: Record<string, unknown>;
  /** Extra API tokens (their secrets env: references the test sets). */
  tokens?: Array<Record<string, unknown>>;
  /** Extra settings of the api section (codec, ...). */
  api?: Record<string, unknown>;
  /** Another Temporal server than the shared world's (a test's own dev server). */
  temporalAddress?: string;
  /** The API's port, when something must know it before the start (a Web UI's codec endpoint). */
  apiPort?: number;
  /** False: no workers in this process (a test runs them as separate processes). */
  workers?: boolean;
  /** The proxy section; the test world's Caddy by default. */
  proxy?: Record<string, unknown>;
  /** More projects beside the harness's own, on its host (their containers are not cleaned up: they should never start any). */
  otherProjects?: Record<string, Record<string, unknown>>;
  /** How often the workers' host sweep compares containers and routes; the worker's default (60 s) when unset. */
  sweepIntervalMs?: number;
  /** The notification receivers, given the URL of the harness's own good receiver; default: only that one. */
  notify?: (hook: string) => Array<Record<string, unknown>>;
}

/** Berth's worker and API in this process, wired to the shared test world. */
export class Harness {
  readonly receiver = new WebhookReceiver();
  readonly docker = new Dockerode({ socketPath: '/var/run/docker.sock' });
  readonly world = readWorld();
  /** Flip per test to make a step fail; cleared by `cleanup()`. */
  readonly faults = new Faults();
  config!: BerthConfig;
  /** The configuration as a berth.yaml would hold it (JSON is YAML). */
  rawConfig!: Record<string, unknown>;
  client!: Client;
  apiUrl!: string;
  private workers: Worker[] = [];
  private watchers?: EventWatchers;
  private log!: pino.Logger;
  private workerConnection!: NativeConnection;
  private running?: Promise<unknown>;
  private server?: Server;
  private connections: Array<{ close(): Promise<void> }> = [];
  private driver?: ProxyDriver;

  constructor(readonly options: HarnessOptions) {}

  get project(): string {
    return this.options.name;
  }

  hostname(environment: string): string {
    return `${environment}.${this.project}.test.localhost`;
  }

  image(tag: string): string {
    return `${this.world.registryAddress}/fixture/web:${tag}`;
  }

  async start(): Promise<this> {
    if (!runtimeInstalled) {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
      runtimeInstalled = true;
    }
    process.env.BERTH_TEST_TOKEN_CI = tokens.ci;
    process.env.BERTH_TEST_TOKEN_OPS = tokens.ops;
    process.env.BERTH_TEST_TOKEN_READER = tokens.reader;
    const hook = await this.receiver.start();
    const environments = this.options.environments ?? { staging: {} };
    this.rawConfig = {
      temporal: { address: this.options.temporalAddress ?? this.world.temporalAddress, namespace: 'default', taskQueue: `berth-${this.project}`, ...this.options.temporal },
      api: {
        listen: '127.0.0.1:1',
        tokens: [
          { name: 'ci', secret: 'env:BERTH_TEST_TOKEN_CI', scopes: ['deploy'] },
          { name: 'ops', secret: 'env:BERTH_TEST_TOKEN_OPS', scopes: ['deploy', 'approve', 'rollback'] },
          { name: 'reader', secret: 'env:BERTH_TEST_TOKEN_READER', scopes: ['read'] },
          ...(this.options.tokens ?? []),
        ],
        ...this.options.api,
      },
      proxy: this.options.proxy ?? { adminUrl: `http://${this.world.caddyAdminAddress}`, listen: this.world.caddyListenAddress, server: 'berth-test', upstreamDns: this.world.upstreamDns },
      hosts: { [this.project]: { docker: 'unix:///var/run/docker.sock', network: 'host', ports: '21000-21999' } },
      notify: this.options.notify ? this.options.notify(hook) : [{ type: 'webhook', url: hook }],
      ...this.options.config,
      projects: {
        [this.project]: {
          image: `${this.world.registryAddress}/fixture/web`,
          health: { path: '/health', interval: '200ms', timeout: '1s', retries: 15, monitor: '1s' },
          drain: '500ms',
          stopTimeout: '2s',
          ...this.options.project,
          environments: Object.fromEntries(
            Object.entries(environments).map(([name, extra]) => [name, { host: this.project, hostname: this.hostname(name), ...extra }]),
          ),
        },
        ...this.options.otherProjects,
      },
    };
    this.config = parseConfig(this.rawConfig);
    const temporal = this.config.temporal!;
    const log = pino({ level: 'info' }, pino.destination({ dest: `${__dirname}/../../.berth/test/berth-${this.project}.log`, mkdir: true, sync: true }));
    const workerConnection = await NativeConnection.connect({ address: temporal.address! });
    const clientConnection = await Connection.connect({ address: temporal.address! });
    this.connections.push(workerConnection, clientConnection);
    this.log = log;
    this.workerConnection = workerConnection;
    if (this.options.workers !== false) await this.startWorkers();
    this.client = new Client({ connection: clientConnection, namespace: temporal.namespace, dataConverter: dataConverterFor(this.config) });
    const app = createApp({
      config: this.config,
      client: this.client,
      taskQueue: temporal.taskQueue,
      tokens: this.config.api.tokens.map((token) => ({
        name: token.name,
        value: process.env[token.secret.slice(4)]!,
        scopes: token.scopes,
        projects: token.projects,
        environments: token.environments,
      })),
      log,
      codec: payloadCodecFor(this.config),
    });
    this.server = answerClientErrors(app.listen(this.options.apiPort ?? 0, '127.0.0.1'));
    await new Promise<void>((resolve) => this.server!.once('listening', resolve));
    this.apiUrl = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    await this.cleanup();
    return this;
  }

  private async startWorkers(): Promise<void> {
    const temporal = this.config.temporal!;
    const dataConverter = dataConverterFor(this.config);
    this.workers = await createWorkers({
      config: this.config,
      connection: this.workerConnection,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      log: this.log,
      workflowBundle: { codePath: await workflowBundlePath({ failureConverterPath: dataConverter?.failureConverterPath }) },
      faults: this.faults,
      dataConverter,
    });
    this.running = Promise.all(this.workers.map((worker) => worker.run()));
    const client = new Client({ connection: this.workerConnection, namespace: temporal.namespace, dataConverter: dataConverterFor(this.config) });
    this.watchers = startEventWatchers({
      config: this.config,
      tellOwner: (project, environment, notice, instance) => tellOwner(client, project, environment, notice, instance),
      log: this.log,
      ...(this.options.sweepIntervalMs !== undefined && { sweepIntervalMs: this.options.sweepIntervalMs }),
    });
  }

  /** Shuts every worker down and starts new ones, as a restarted Berth process would. */
  async restartWorkers(): Promise<void> {
    await this.watchers?.stop();
    for (const worker of this.workers) worker.shutdown();
    await this.running;
    await this.startWorkers();
  }

  async request(method: string, path: string, body?: unknown, token: string | null = tokens.ops): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.apiUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Only the status of a request: an event stream's body is not JSON, and may not end. */
  async status(method: string, path: string, body: unknown, token: string): Promise<number> {
    const headers = { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) };
    const response = await fetch(`${this.apiUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    await response.body?.cancel();
    return response.status;
  }

  /** Requests a deploy through the API and returns its id. */
  async deploy(tag: string, environment = 'staging', extra: Record<string, unknown> = {}): Promise<string> {
    const response = await this.request('POST', '/v1/deployments', { project: this.project, environment, tag, ...extra }, tokens.ci);
    if (response.status !== 202) throw new Error(`deploy refused: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.id;
  }

  /**
   * Polls the API until the deploy reaches a final status, then waits for its
   * workflow to close (its notifications delivered or given up) and returns
   * the record as it closed; bounded by `timeoutMs`.
   */
  async waitForEnd(id: string, timeoutMs = 90_000): Promise<DeployRecord> {
    const outcome = await this.waitForOutcome(id, timeoutMs);
    const closed = this.client.workflow
      .getHandle(id)
      .result()
      .catch(() => undefined);
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    const response = await this.request('GET', `/v1/deployments/${id}`, undefined, tokens.reader);
    return response.status === 200 ? response.body : outcome;
  }

  /** Polls the API until the deploy's outcome is visible, while its notifications may still go out. */
  async waitForOutcome(id: string, timeoutMs = 90_000): Promise<DeployRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const response = await this.request('GET', `/v1/deployments/${id}`, undefined, tokens.reader);
      if (response.status === 200 && isFinal(response.body.status)) return response.body;
      if (Date.now() > deadline) throw new Error(`deploy ${id} did not finish within ${timeoutMs}ms: ${JSON.stringify(response.body)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Starts Berth and deploys `tag`, so a test begins with a release serving; returns its id. */
  async startServing(tag: string, environment = 'staging'): Promise<string> {
    await this.start();
    const record = await this.deployAndWait(tag, environment);
    if (record.status !== 'succeeded') throw new Error(`the first deploy ended ${record.status}: ${record.reason}`);
    return record.id;
  }

  async deployAndWait(tag: string, environment = 'staging'): Promise<DeployRecord> {
    return this.waitForEnd(await this.deploy(tag, environment));
  }

  proxyGet(environment: string, path = '/version'): Promise<ProxyAnswer> {
    return getThroughProxy(this.proxy().listen, this.hostname(environment), path);
  }

  releases(environment = 'staging'): Promise<ReleaseContainer[]> {
    return new ContainerClient(this.docker, pino({ level: 'silent' })).listReleases(this.project, environment);
  }

  /** The same driver the worker uses, for reading or changing routes behind Berth's back. */
  proxy(): ProxyDriver {
    this.driver ??= createProxyDriver(proxyFor(this.config, this.project), { log: pino({ level: 'silent' }), env: process.env, where: 'proxy' });
    return this.driver;
  }

  route(environment = 'staging'): RouteTarget {
    return { project: this.project, environment, hostname: this.hostname(environment) };
  }

  /** Removes this project's containers and routes, so reruns start from nothing. */
  async cleanup(): Promise<void> {
    this.faults.clear();
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`berth.project=${this.project}`] } });
    // In batches: bench/scale.ts's 1,000 removals at once time out in dockerd, and containers left
    // running when the world stops dockerd leave orphaned shims that slow the next dockerd's start.
    // Docker 20.10 deadlocked once in its network teardown with 25 host-network removals at once.
    for (let i = 0; i < containers.length; i += 8) {
      await Promise.all(containers.slice(i, i + 8).map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    }
    for (const environment of Object.keys(this.config.projects[this.project].environments)) {
      await this.proxy().remove(this.route(environment));
    }
  }

  async stop(): Promise<void> {
    // First, or the owners would heal what cleanup removes.
    await this.watchers?.stop();
    await this.cleanup().catch(() => undefined);
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    for (const worker of this.workers) worker.shutdown();
    await this.running?.catch(() => undefined);
    for (const connection of this.connections) await connection.close();
    await this.receiver.stop();
  }
}
