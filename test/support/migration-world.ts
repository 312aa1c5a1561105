/**
 * What the migrations integration files share: the migration activities over
 * the real Docker and a real PostgreSQL, test databases with secret URLs, and
 * small readers of the schema.
 */
import { randomBytes } from 'node:crypto';
import type { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import Dockerode from 'dockerode';
import { Client } from 'pg';
import pino from 'pino';
import { createMigrationActivities, type MigratingSpec } from '../../src/activities/migration-activities';
import { migrationsSchema } from '../../src/config/migrations-schema';
import { ImageClient } from '../../src/docker/image-client';
import { OneOffRunner } from '../../src/docker/one-off';
import { failureDetailsOf, failureText } from '../../src/model/failures';
import { migrationSpecFrom } from '../../src/config/migration-spec';
import type { MigrationResult } from '../../src/model/migration-types';
import type { PulledImage } from '../../src/model/types';
import { dbappImage, type DbappTag } from './dbapp-images';
import { startPostgres, type PostgresWorld } from './postgres';
import { readWorld } from './world';

export const world = readWorld();
export const docker = new Dockerode({ socketPath: world.dockerSocket });
export const logLines: string[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
export const heartbeats: unknown[] = [];
/** The env activities resolve `env:` references from; each test database adds its URL. */
export const secretsEnv: NodeJS.ProcessEnv = {};
export const acts = createMigrationActivities({ oneOffs: new OneOffRunner(docker, log), log, env: secretsEnv });
export const images = {} as Record<DbappTag, PulledImage>;
/** Every password handed out: none may show up in logs, heartbeats, results or errors. */
export const passwords: string[] = [];
const openClients: Client[] = [];
let pg: PostgresWorld;
/** The PostgreSQL primary (and standby, on request) this file's tests use. */
export function postgres(): PostgresWorld {
  return pg;
}
let counter = 0;

export interface TestDatabase {
  name: string;
  url: string;
  ref: string;
  project: string;
}

export async function database(): Promise<TestDatabase> {
  counter += 1;
  const name = `mig${counter}`;
  const password = `pw-${randomBytes(10).toString('hex')}`;
  passwords.push(password);
  const url = await pg.createDatabase(name, { name, password });
  secretsEnv[`DB_URL_${counter}`] = url;
  return { name, url, ref: `env:DB_URL_${counter}`, project: `migtest-${counter}` };
}

export function spec(db: TestDatabase, migrations: Record<string, unknown>, deployment = 'a'): MigratingSpec {
  return {
    deploymentId: `${db.project}-${deployment}-${randomBytes(3).toString('hex')}`,
    project: db.project,
    environment: 'staging',
    network: 'host',
    env: { APP_MODE: 'test' },
    secretEnv: {},
    migrations: migrationSpecFrom(migrationsSchema.parse({ database: db.ref, ...migrations })),
  } as unknown as MigratingSpec;
}

export const command = { command: ['/app/migrate', 'up'], down: ['/app/migrate', 'down'] };
export const builtin = { dir: '/app/migrations' };

const noop = () => undefined;
/** The mock context logs every failed activity with its stack; the tests assert on those failures instead. */
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Runs one activity in a fresh mock context, recording its heartbeats. */
export function activity() {
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return {
    cancel: () => env.cancel(),
    run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
      return env.run(fn as (...args: unknown[]) => Promise<R>, ...args);
    },
  };
}

export async function session(db: TestDatabase): Promise<Client> {
  const client = new Client({ connectionString: db.url, application_name: 'test session' });
  await client.connect();
  openClients.push(client);
  return client;
}

export async function query<T = Record<string, unknown>>(db: TestDatabase, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

export async function columns(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await query<{ column_name: string }>(
    db,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return rows.map((row) => row.column_name);
}

export async function tables(db: TestDatabase): Promise<string[]> {
  const rows = await query<{ table_name: string }>(db, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((row) => row.table_name);
}

/** The activity's failure, with `shown`: the text a deploy record shows (the message, then the output tail its details carry). */
export async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure & Error & { shown: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as ApplicationFailure & Error;
    return Object.assign(failure, { shown: failureText(failure.message, failureDetailsOf(failure.details)) });
  }
  throw new Error('expected the activity to fail');
}

export async function migrated(db: TestDatabase, tag: DbappTag, migrations: Record<string, unknown>): Promise<MigrationResult> {
  return activity().run(acts.migrate, spec(db, migrations, `setup-${tag}`), images[tag]);
}

/**
 * The world of a migrations test file: a PostgreSQL of its own (40 connections)
 * and the dbapp images pulled; every client a test opened is closed after it.
 */
export function useMigrationWorld(): void {
  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 40 });
    const client = new ImageClient(docker, pino({ level: 'silent' }));
    for (const tag of ['v1', 'v2', 'broken', 'drift'] as const) images[tag] = await client.pull(dbappImage(world.registryAddress, tag));
  });

  afterEach(async () => {
    await Promise.all(openClients.splice(0).map((client) => client.end().catch(() => undefined)));
  });

  afterAll(async () => {
    await pg?.stop();
    const leftovers = await docker.listContainers({ all: true, filters: { label: ['berth.role'] } });
    await Promise.all(leftovers.map((c) => docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
  });
}
