import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/logger';
import { isAlive, stopPid } from '../../src/embedded/child-process';
import { restartCluster, startPostgres, stopPostmaster, type ClusterLocation } from './postgres';
import { serverConfig, serverPorts, setupSchema, startServer, startUi } from './temporal-server';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { commandOf } from './world-lock';

/**
 * The production topology's Temporal: the Temporal server on PostgreSQL. It is
 * started by the first production test file of a jest run (under the world
 * lock global setup holds), shared by the others through this state file, and
 * stopped by PID in global teardown. Another Docker host and per-host workers
 * can join it later: it holds only Temporal and its database.
 */
export interface ProductionWorld {
  /** The jest process that started it; only that process stops it. */
  ownerPid: number;
  dir: string;
  temporalAddress: string;
  namespace: string;
  uiUrl: string;
  ui: { pid: number; command: string };
  server: { pid: number; command: string };
  postgres: ClusterLocation & { pid: number; command: string };
  setupMs: number;
}

// Beside the world lock, not in the checkout: a run killed in another clone is stopped by the next.
const stateFile = path.join(berthCacheDir(), 'production-world.json');
const log = createLogger({ name: 'production-world' });
const databases = { main: 'temporal', visibility: 'temporal_visibility' };

function readState(): ProductionWorld | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8')) as ProductionWorld;
  } catch {
    return undefined;
  }
}

const save = (world: ProductionWorld) => fs.writeFileSync(stateFile, `${JSON.stringify(world, null, 2)}\n`);
const recorded = (pid: number) => ({ pid, command: commandOf(pid) ?? '' });

/** The running production world, started on first use in this jest run. */
export async function productionWorld(): Promise<ProductionWorld> {
  const existing = readState();
  if (existing && existing.ownerPid === process.pid && isAlive(existing.server.pid)) return existing;
  await stopProductionWorld();
  const startedAt = Date.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-production-'));
  const postgres = await startPostgres({ maxConnections: 120 });
  const password = randomBytes(12).toString('hex');
  const started: number[] = [];
  try {
    await postgres.createDatabase(databases.main, { name: 'temporal', password });
    await postgres.query(`CREATE DATABASE "${databases.visibility}" OWNER temporal`);
    const database = { port: postgres.primary.port, user: 'temporal', password };
    await setupSchema(database, databases);
    fs.mkdirSync(path.join(dir, 'config'));
    const dynamicConfig = path.join(dir, 'config', 'dynamic.yaml');
    fs.writeFileSync(dynamicConfig, ['frontend.enableUpdateWorkflowExecution:', '  - value: true', 'frontend.enableExecuteMultiOperation:', '  - value: true', ''].join('\n'));
    fs.writeFileSync(path.join(dir, 'config', 'production.yaml'), serverConfig(database, databases, dynamicConfig), { mode: 0o600 });
    const serverPid = await startServer(dir);
    started.push(serverPid);
    const uiPid = await startUi(dir);
    const world: ProductionWorld = {
      ownerPid: process.pid,
      dir,
      temporalAddress: `127.0.0.1:${serverPorts.frontend}`,
      namespace: 'default',
      uiUrl: `http://127.0.0.1:${serverPorts.ui}`,
      ui: recorded(uiPid),
      server: recorded(serverPid),
      postgres: { root: postgres.root, dataDir: postgres.primary.dataDir, port: postgres.primary.port, superuserPassword: postgres.primary.superuserPassword, maxConnections: 120, ...recorded(postgres.primary.pid) },
      setupMs: 0,
    };
    world.setupMs = Date.now() - startedAt;
    save(world);
    log.info({ setupMs: world.setupMs, dir }, 'production world ready');
    return world;
  } catch (error) {
    for (const pid of started) await stopPid(pid, { name: 'temporal server', graceMs: 15_000, logger: log });
    await postgres.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function stopRecorded(name: string, entry: { pid: number; command: string }): Promise<void> {
  if (isAlive(entry.pid) && commandOf(entry.pid) === entry.command) await stopPid(entry.pid, { name, graceMs: 15_000, logger: log });
}

/** Stops the Temporal server (SIGTERM, by PID); `startTemporal` brings it back on the same database. */
export async function stopTemporal(world: ProductionWorld): Promise<void> {
  await stopRecorded('temporal server', world.server);
}

/** Starts the server again when it is not running; a no-op otherwise. */
export async function startTemporal(world: ProductionWorld): Promise<void> {
  if (isAlive(world.server.pid)) return;
  world.server = recorded(await startServer(world.dir));
  save(world);
}

/** Stops PostgreSQL under the running server (fast shutdown); `startDatabase` restarts it on the same port. */
export async function stopDatabase(world: ProductionWorld): Promise<void> {
  if (isAlive(world.postgres.pid) && commandOf(world.postgres.pid) === world.postgres.command) await stopPostmaster(world.postgres.pid);
}

export async function startDatabase(world: ProductionWorld): Promise<void> {
  if (isAlive(world.postgres.pid)) return;
  const cluster = await restartCluster(world.postgres);
  world.postgres = { ...world.postgres, ...recorded(cluster.pid) };
  save(world);
}

/**
 * Global teardown stops the world this run started; global setup, one a dead
 * run left behind. A live other owner's world is never touched.
 */
export async function stopProductionWorld(): Promise<void> {
  const world = readState();
  if (!world || (world.ownerPid !== process.pid && isAlive(world.ownerPid))) return;
  await stopRecorded('temporal ui', world.ui);
  await stopRecorded('temporal server', world.server);
  await stopDatabase(world);
  fs.rmSync(world.postgres.root, { recursive: true, force: true });
  fs.rmSync(world.dir, { recursive: true, force: true });
  fs.rmSync(stateFile, { force: true });
}
