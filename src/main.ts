import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createApp } from './api/app';
import { answerClientErrors } from './api/client-errors';
import { dataConverterFor, payloadCodecFor } from './codec/data-converter';
import type { ApiToken } from './api/auth';
import { ConfigError, loadConfig } from './config/load-config';
import type { BerthConfig } from './config/schema';
import { resolveSecret, SecretError } from './config/secrets';
import { startEmbedded, type Embedded } from './embedded/start-embedded';
import type { ContainerEventNotice } from './model/owner-types';
import { createLogger } from './logger';
import { ensureNamespace } from './temporal/ensure-namespace';
import { tellOwner } from './temporal/owner-client';
import { startPollingOwners } from './temporal/poll-owners';
import { pollingOwners } from './config/owner-settings';
import { createWorkers } from './worker/create-workers';
import { selectWorkers } from './worker/worker-selection';
import { startEventWatchers } from './worker/event-watchers';

const log = createLogger();

function resolveTokens(config: BerthConfig): ApiToken[] {
  return config.api.tokens.map((token, index) => {
    try {
      return { name: token.name, value: resolveSecret(token.secret), scopes: token.scopes, projects: token.projects, environments: token.environments };
    } catch (error) {
      throw new ConfigError('configuration', [`api/tokens/${index}/secret: ${(error as SecretError).message}`]);
    }
  });
}

/** `all` (default) runs the worker and the API in one process; compose runs them apart. */
type Role = 'all' | 'worker' | 'api';

function roleOf(argv: string[]): Role {
  const role = argv[2] ?? 'all';
  if (role === 'all' || role === 'worker' || role === 'api') return role;
  throw new ConfigError('command line', [`unknown role "${role}"; use all, worker or api`]);
}

async function main(): Promise<void> {
  const role = roleOf(process.argv);
  const config = loadConfig();
  // One worker per Docker host (`--host app2`), the workflow worker anywhere (`--workflows`); by default all of it.
  const selection = role === 'api' ? undefined : selectWorkers(process.argv.slice(3), process.env.BERTH_HOSTS, Object.keys(config.hosts));
  const tokens = role === 'worker' ? [] : resolveTokens(config);
  // Keys resolve before anything starts, so a missing key stops Berth with its path.
  const dataConverter = dataConverterFor(config);
  // Berth stops itself in order (API, watchers, workers, then what it started). The SDK's own
  // signal handlers would shut the workers down first and make that order fail half-way.
  Runtime.install({ shutdownSignals: [] });
  const embedded: Embedded = await startEmbedded(config, log);
  const address = config.temporal?.address ?? embedded.temporalAddress;
  const namespace = config.temporal?.namespace ?? 'default';
  const taskQueue = config.temporal?.taskQueue ?? 'berth';

  const clientConnection = await Connection.connect({ address });
  // Either role may be the first to reach a fresh cluster, so both make the namespace ready.
  await ensureNamespace(clientConnection, namespace, log);
  const workerConnection = await NativeConnection.connect({ address });
  const faultsFile = process.env.BERTH_FAULTS_FILE;
  if (faultsFile) log.warn({ faultsFile }, 'fault injection is on (BERTH_FAULTS_FILE): for tests only');
  const workers = role === 'api' ? [] : await createWorkers({ config, connection: workerConnection, namespace, taskQueue, log, faultsFile, dataConverter, ...selection });
  const running = Promise.all(workers.map((worker) => worker.run()));

  const client = new Client({ connection: clientConnection, namespace, dataConverter });
  // The registry poll runs inside each environment's owner; these must exist before a first deploy.
  await startPollingOwners(client, taskQueue, pollingOwners(config)).catch((error) => log.warn({ err: error }, 'could not start the owners that poll the registry'));
  // Each host's worker heals from Docker's events; the API alone watches nothing.
  const tell = (project: string, environment: string, notice: ContainerEventNotice, instance?: string) => tellOwner(client, project, environment, notice, instance);
  const watchers = role === 'api' ? undefined : startEventWatchers({ config, tellOwner: tell, log, hosts: selection?.hosts });
  let server: Server | undefined;
  if (role !== 'worker') {
    // The embedded Web UI is configured with Berth's codec endpoint, so its origin is let in.
    const corsOrigins = [...config.api.codec.corsOrigins, ...(embedded.uiUrl && config.temporal?.encryption ? [embedded.uiUrl] : [])];
    const app = createApp({ config: { ...config, api: { ...config.api, codec: { corsOrigins } } }, client, taskQueue, tokens, log, codec: payloadCodecFor(config) });
    server = answerClientErrors(app.listen(config.api.listen.port, config.api.listen.host));
    await new Promise<void>((resolve, reject) => server!.once('listening', resolve).once('error', reject));
  }
  log.info({ role, workflows: selection?.workflows, hosts: selection?.hosts, api: server && `http://${config.api.listen.host}:${config.api.listen.port}`, temporal: address, ui: embedded.uiUrl }, 'berth is up');

  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    server?.close();
    await watchers?.stop();
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await client.connection.close();
    await workerConnection.close();
    await embedded.stop();
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
  await running;
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  log.fatal({ err: error }, 'berth failed');
  process.exit(1);
});
