import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { isAlive } from '../../src/embedded/child-process';
import { waitUntil } from '../../src/embedded/wait-until';
import { freeLoopbackPort } from './free-port';

const run = promisify(execFile);

/** Debian's PostgreSQL 15 (the `postgresql` package of scripts/setup.sh test). */
export const postgresBin = '/usr/lib/postgresql/15/bin';
const dirPrefix = 'berth-pg-';

/** A throwaway PostgreSQL cluster on loopback, owned by this test process. */
export interface PostgresCluster {
  port: number;
  /** The postmaster's PID: stop() signals exactly this process. */
  pid: number;
  dataDir: string;
  superuserPassword: string;
  /** A URL for the `postgres` superuser, for test setup only. */
  superuserUrl(database?: string): string;
  stop(): Promise<void>;
}

/** Root may not run PostgreSQL; its processes and files belong to the `postgres` user. */
async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  return { uid: Number(uid), gid: Number(gid) };
}


/** Stops clusters whose test process died without stopping them, by their recorded PID and command. */
function stopAbandonedClusters(): void {
  for (const entry of fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith(dirPrefix))) {
    const root = path.join(os.tmpdir(), entry);
    let owner: { ownerPid: number; pids: number[] };
    try {
      owner = JSON.parse(fs.readFileSync(path.join(root, 'owner.json'), 'utf8'));
    } catch {
      continue;
    }
    if (isAlive(owner.ownerPid)) continue;
    for (const pid of owner.pids) {
      const command = fs.existsSync(`/proc/${pid}/cmdline`) ? fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] : '';
      if (isAlive(pid) && command === `${postgresBin}/postgres`) process.kill(pid, 'SIGQUIT');
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Fast shutdown (SIGINT) so open sessions do not hold it up; immediate (SIGQUIT) when that hangs. */
export async function stopPostmaster(pid: number): Promise<void> {
  const exited = async (ms: number) => {
    const deadline = Date.now() + ms;
    while (isAlive(pid)) {
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return true;
  };
  if (!isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  if (await exited(15_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (!(await exited(5_000))) throw new Error(`postgres (pid ${pid}) still running 20 s after SIGINT and SIGQUIT`);
}

async function answers(url: string, expectStandby?: boolean): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return expectStandby === undefined || rows[0].standby === expectStandby;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Owner {
  root: string;
  user: { uid: number; gid: number };
  superuserPassword: string;
  pids: number[];
}

function recordOwner(owner: Owner): void {
  fs.writeFileSync(path.join(owner.root, 'owner.json'), JSON.stringify({ ownerPid: process.pid, pids: owner.pids }));
}

/** Runs the postmaster on `dataDir` at 127.0.0.1:port until it accepts connections. */
async function startPostmaster(owner: Owner, dataDir: string, settings: Record<string, string>, expectStandby: boolean, atPort?: number): Promise<PostgresCluster> {
  const port = atPort ?? (await freeLoopbackPort());
  const logFile = path.join(owner.root, `${path.basename(dataDir)}.log`);
  const fd = fs.openSync(logFile, 'a');
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${owner.root}`];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child = spawn(`${postgresBin}/postgres`, args, { ...owner.user, stdio: ['ignore', fd, fd], cwd: owner.root });
  fs.closeSync(fd);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  child.unref();
  const pid = child.pid as number;
  owner.pids.push(pid);
  recordOwner(owner);
  const superuserUrl = (database = 'postgres') => `postgres://postgres:${owner.superuserPassword}@127.0.0.1:${port}/${database}`;
  const cluster: PostgresCluster = {
    port,
    pid,
    dataDir,
    superuserPassword: owner.superuserPassword,
    superuserUrl,
    stop: () => stopPostmaster(pid),
  };
  try {
    await waitUntil(() => answers(superuserUrl(), expectStandby), { what: `postgres at 127.0.0.1:${port}`, timeoutMs: 30_000, child, logFile });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** Where a cluster lives, enough to start its postmaster again from another test file. */
export interface ClusterLocation {
  root: string;
  dataDir: string;
  port: number;
  superuserPassword: string;
  maxConnections?: number;
}

/** Starts the postmaster of a cluster stopped earlier, on the same data directory and port. */
export async function restartCluster(location: ClusterLocation): Promise<PostgresCluster> {
  const owner: Owner = { root: location.root, user: await postgresUser(), superuserPassword: location.superuserPassword, pids: [] };
  try {
    owner.pids = JSON.parse(fs.readFileSync(path.join(location.root, 'owner.json'), 'utf8')).pids;
  } catch {
    // No record yet: this start is the first one it holds.
  }
  return startPostmaster(owner, location.dataDir, clusterSettings(location.maxConnections), false, location.port);
}

const clusterSettings = (maxConnections = 40) => ({ max_connections: String(maxConnections), fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' });

/** A primary cluster and, on demand, standbys streaming from it. */
export interface PostgresWorld {
  /** The temporary directory holding the clusters (removed by stop()). */
  root: string;
  primary: PostgresCluster;
  startStandby(): Promise<PostgresCluster>;
  /** Creates a role with a password and a database it owns; returns its URL. */
  createDatabase(name: string, role?: { name: string; password: string }): Promise<string>;
  /** Runs SQL as the superuser, on `database`. */
  query(sql: string, database?: string): Promise<Array<Record<string, unknown>>>;
  stop(): Promise<void>;
}

/**
 * Starts a throwaway cluster of Debian's PostgreSQL 15 on a free loopback
 * port, as the `postgres` user, with its data in a temporary directory that
 * stop() removes. Durability is off: these clusters hold nothing worth keeping.
 */
export async function startPostgres(options: { maxConnections?: number } = {}): Promise<PostgresWorld> {
  stopAbandonedClusters();
  const user = await postgresUser();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), dirPrefix));
  fs.chownSync(root, user.uid, user.gid);
  const owner: Owner = { root, user, superuserPassword: randomBytes(12).toString('hex'), pids: [] };
  recordOwner(owner);
  const passwordFile = path.join(root, 'superuser-password');
  fs.writeFileSync(passwordFile, owner.superuserPassword, { mode: 0o600 });
  fs.chownSync(passwordFile, user.uid, user.gid);
  const primaryDir = path.join(root, 'primary');
  await run(`${postgresBin}/initdb`, ['-D', primaryDir, '-U', 'postgres', `--pwfile=${passwordFile}`, '-A', 'scram-sha-256', '--no-sync', '--no-locale', '-E', 'UTF8'], {
    ...user,
    cwd: root,
  });
  const settings = clusterSettings(options.maxConnections);
  const clusters: PostgresCluster[] = [];
  try {
    clusters.push(await startPostmaster(owner, primaryDir, settings, false));
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const primary = clusters[0];

  const query = async (sql: string, database = 'postgres') => {
    const client = new Client({ connectionString: primary.superuserUrl(database) });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Array<Record<string, unknown>>;
    } finally {
      await client.end();
    }
  };

  return {
    root,
    primary,
    query,
    async startStandby() {
      const dataDir = path.join(root, `standby-${clusters.length}`);
      await run(`${postgresBin}/pg_basebackup`, ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], {
        ...user,
        cwd: root,
        env: { ...process.env, PGPASSWORD: owner.superuserPassword },
      });
      const standby = await startPostmaster(owner, dataDir, settings, true);
      clusters.push(standby);
      return standby;
    },
    async createDatabase(name, role = { name, password: randomBytes(12).toString('hex') }) {
      await query(`CREATE ROLE "${role.name}" LOGIN PASSWORD '${role.password}'`);
      await query(`CREATE DATABASE "${name}" OWNER "${role.name}"`);
      return `postgres://${role.name}:${role.password}@127.0.0.1:${primary.port}/${name}`;
    },
    async stop() {
      for (const cluster of [...clusters].reverse()) await cluster.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
