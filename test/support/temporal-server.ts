import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { spawnToLog } from '../../src/embedded/child-process';
import { temporalVersion } from '../../src/embedded/temporal-binary';
import { httpOk } from '../../src/embedded/probes';
import { waitUntil } from '../../src/embedded/wait-until';

const run = promisify(execFile);

/** The version of `module` the pinned CLI embeds, read from the CLI's go.mod (as scripts/setup.sh does). */
function embeddedVersion(modCache: string, module: string): string {
  const goMod = fs.readFileSync(path.join(modCache, 'github.com', 'temporalio', `cli@${temporalVersion()}`, 'go.mod'), 'utf8');
  const version = goMod.split('\n').map((line) => line.trim().split(/\s+/)).find(([name]) => name === module)?.[1];
  if (!version) throw new Error(`${module} is not in the Temporal CLI go.mod`);
  return version;
}

const modCache = () => execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();

/** The Temporal server and its SQL tool, built by scripts/setup.sh test. */
export function temporalServerBuild(): { version: string; binary: string; sqlTool: string; schemaDir: string } {
  const cache = modCache();
  const version = embeddedVersion(cache, 'go.temporal.io/server');
  const dir = path.join(berthCacheDir(), 'temporal-server', version);
  const build = { version, binary: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql'), schemaDir: path.join(cache, 'go.temporal.io', `server@${version}`, 'schema', 'postgresql', 'v12') };
  if (!fs.existsSync(build.binary) || !fs.existsSync(build.sqlTool)) throw new Error(`${dir} lacks server or sql: run scripts/setup.sh test`);
  return build;
}

/** The Web UI server, built by scripts/setup.sh test. */
export function temporalUiBinary(): string {
  const binary = path.join(berthCacheDir(), 'temporal-ui', embeddedVersion(modCache(), 'github.com/temporalio/ui-server/v2'), 'server');
  if (!fs.existsSync(binary)) throw new Error(`${binary} is missing: run scripts/setup.sh test`);
  return binary;
}

/** Loopback ports of the production world's Temporal server, apart from the dev-server world's 7243. */
export const serverPorts = { frontend: 7263, frontendHttp: 7273, history: 7264, matching: 7265, worker: 7269, membershipBase: 6960, ui: 8263 } as const;

export interface Database {
  port: number;
  user: string;
  password: string;
}

/** Sets up Temporal's and its visibility's schema with the server's own SQL tool, as an operator would. */
export async function setupSchema(database: Database, names: { main: string; visibility: string }): Promise<void> {
  const { sqlTool, schemaDir } = temporalServerBuild();
  const env = { ...process.env, SQL_PASSWORD: database.password };
  for (const [db, dir] of [
    [names.main, 'temporal'],
    [names.visibility, 'visibility'],
  ]) {
    const common = ['--plugin', 'postgres12', '--endpoint', '127.0.0.1', '--port', String(database.port), '--user', database.user, '--database', db];
    await run(sqlTool, [...common, 'setup-schema', '-v', '0.0'], { env });
    await run(sqlTool, [...common, 'update-schema', '-d', path.join(schemaDir, dir, 'versioned')], { env });
  }
}

/** The server's static config: PostgreSQL for persistence and visibility, every service on loopback. */
export function serverConfig(database: Database, names: { main: string; visibility: string }, dynamicConfigFile: string): string {
  const store = (db: string, conns: number) => ({
    sql: { pluginName: 'postgres12', databaseName: db, connectAddr: `127.0.0.1:${database.port}`, connectProtocol: 'tcp', user: database.user, password: database.password, maxConns: conns, maxIdleConns: conns, maxConnLifetime: '1h' },
  });
  const service = (grpcPort: number, offset: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort: serverPorts.membershipBase + offset, bindOnLocalHost: true, ...extra },
  });
  const config = {
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'postgres-default',
      visibilityStore: 'postgres-visibility',
      numHistoryShards: 4,
      datastores: { 'postgres-default': store(names.main, 10), 'postgres-visibility': store(names.visibility, 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: service(serverPorts.frontend, 3, { httpPort: serverPorts.frontendHttp }),
      history: service(serverPorts.history, 4),
      matching: service(serverPorts.matching, 5),
      worker: service(serverPorts.worker, 9),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: { active: { enabled: true, initialFailoverVersion: 1, rpcName: 'frontend', rpcAddress: `127.0.0.1:${serverPorts.frontend}` } },
    },
    dcRedirectionPolicy: { policy: 'noop' },
    dynamicConfigClient: { filepath: dynamicConfigFile, pollInterval: '10s' },
  };
  // JSON is YAML, and the server reads YAML.
  return JSON.stringify(config, null, 2);
}

/** Starts `server start` on the config in dir/config/production.yaml; returns once the frontend answers. */
export async function startServer(dir: string): Promise<number> {
  const { binary } = temporalServerBuild();
  const logFile = path.join(dir, 'temporal-server.log');
  const child = await spawnToLog(binary, ['--root', dir, '--config', 'config', '--env', 'production', '--allow-no-auth', 'start'], { logFile, cwd: dir });
  await waitUntil(() => frontendServes(`127.0.0.1:${serverPorts.frontend}`), { what: 'the Temporal server', timeoutMs: 90_000, intervalMs: 300, child, logFile });
  return child.pid as number;
}

/** True once the frontend answers a call that reaches persistence. */
async function frontendServes(address: string): Promise<boolean> {
  let connection: Connection | undefined;
  try {
    connection = await Connection.connect({ address, connectTimeout: 1000 });
    await connection.workflowService.getClusterInfo({});
    return true;
  } catch {
    return false;
  } finally {
    await connection?.close().catch(() => undefined);
  }
}

/** Starts the Web UI server against the frontend; returns once it serves its page. */
export async function startUi(dir: string): Promise<number> {
  const uiDir = path.join(dir, 'ui');
  fs.mkdirSync(path.join(uiDir, 'config'), { recursive: true });
  const config = { temporalGrpcAddress: `127.0.0.1:${serverPorts.frontend}`, host: '127.0.0.1', port: serverPorts.ui, enableUi: true, defaultNamespace: 'default', cors: { allowOrigins: [] } };
  fs.writeFileSync(path.join(uiDir, 'config', 'production.yaml'), JSON.stringify(config, null, 2));
  const logFile = path.join(dir, 'temporal-ui.log');
  const child = await spawnToLog(temporalUiBinary(), ['--root', uiDir, '--config', 'config', '--env', 'production', 'start'], { logFile, cwd: uiDir });
  await waitUntil(() => httpOk(`http://127.0.0.1:${serverPorts.ui}/`), { what: 'the Temporal Web UI', timeoutMs: 30_000, intervalMs: 200, child, logFile });
  return child.pid as number;
}
