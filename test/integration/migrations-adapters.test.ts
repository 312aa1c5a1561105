import { randomBytes } from 'node:crypto';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import Dockerode from 'dockerode';
import { Client } from 'pg';
import pino from 'pino';
import { createMigrationActivities, type MigratingSpec } from '../../src/activities/migration-activities';
import { migrationsSchema } from '../../src/config/migrations-schema';
import { ImageClient } from '../../src/docker/image-client';
import { OneOffRunner } from '../../src/docker/one-off';
import { migrationSpecFrom } from '../../src/config/migration-spec';
import { failureDetailsOf, failureText } from '../../src/model/failures';
import type { MigrationResult } from '../../src/model/migration-types';
import type { PulledImage } from '../../src/model/types';
import { dbappImage, type DbappTag } from '../support/dbapp-images';
import { startPostgres, type PostgresWorld } from '../support/postgres';
import { readWorld } from '../support/world';

const world = readWorld();
const docker = new Dockerode({ socketPath: world.dockerSocket });
const logLines: string[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
const heartbeats: unknown[] = [];
/** The env activities resolve `env:` references from; each test database adds its URL. */
const secretsEnv: NodeJS.ProcessEnv = {};
const acts = createMigrationActivities({ oneOffs: new OneOffRunner(docker, log), log, env: secretsEnv });
const images = {} as Record<DbappTag, PulledImage>;
/** Every password handed out: none may show up in logs, heartbeats, results or errors. */
const passwords: string[] = [];
const openClients: Client[] = [];
let pg: PostgresWorld;
let counter = 0;

interface TestDatabase {
  name: string;
  url: string;
  ref: string;
  project: string;
}

async function database(): Promise<TestDatabase> {
  counter += 1;
  const name = `mig${counter}`;
  const password = `pw-${randomBytes(10).toString('hex')}`;
  passwords.push(password);
  const url = await pg.createDatabase(name, { name, password });
  secretsEnv[`DB_URL_${counter}`] = url;
  return { name, url, ref: `env:DB_URL_${counter}`, project: `migtest-${counter}` };
}

function spec(db: TestDatabase, migrations: Record<string, unknown>, deployment = 'a'): MigratingSpec {
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

const command = { command: ['/app/migrate', 'up'], down: ['/app/migrate', 'down'] };
const builtin = { dir: '/app/migrations' };

const noop = () => undefined;
/** The mock context logs every failed activity with its stack; the tests assert on those failures instead. */
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** Runs one activity in a fresh mock context, recording its heartbeats. */
function activity() {
  const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  return {
    cancel: () => env.cancel(),
    run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
      return env.run(fn as (...args: unknown[]) => Promise<R>, ...args);
    },
  };
}

async function session(db: TestDatabase): Promise<Client> {
  const client = new Client({ connectionString: db.url, application_name: 'test session' });
  await client.connect();
  openClients.push(client);
  return client;
}

async function query<T = Record<string, unknown>>(db: TestDatabase, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function columns(db: TestDatabase, table: string): Promise<string[]> {
  const rows = await query<{ column_name: string }>(
    db,
    `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '${table}' ORDER BY ordinal_position`,
  );
  return rows.map((row) => row.column_name);
}

async function tables(db: TestDatabase): Promise<string[]> {
  const rows = await query<{ table_name: string }>(db, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`);
  return rows.map((row) => row.table_name);
}

/** The failure an activity threw, for assertions on its type and message. */
/** The activity's failure, with `shown`: the text a deploy record shows (the message, then the output tail its details carry). */
async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure & Error & { shown: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as ApplicationFailure & Error;
    return Object.assign(failure, { shown: failureText(failure.message, failureDetailsOf(failure.details)) });
  }
  throw new Error('expected the activity to fail');
}

async function migrated(db: TestDatabase, tag: DbappTag, migrations: Record<string, unknown>): Promise<MigrationResult> {
  return activity().run(acts.migrate, spec(db, migrations, `setup-${tag}`), images[tag]);
}

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

describe('database preflight', () => {
  it('passes on a reachable primary with connections to spare, naming each check', async () => {
    const db = await database();
    const report = await activity().run(acts.preflightDatabase, spec(db, command));
    expect(report.serverVersion).toMatch(/^15\./);
    expect(report.findings.map(({ check, ok }) => ({ check, ok }))).toEqual([
      { check: 'reachable', ok: true },
      { check: 'standby', ok: true },
      { check: 'connections', ok: true },
      { check: 'long-transactions', ok: true },
    ]);
  });

  it('refuses a standby built with pg_basebackup, naming the check', async () => {
    const standby = await pg.startStandby();
    const db = await database();
    const standbyDb = { ...db, ref: 'env:STANDBY_URL' };
    secretsEnv.STANDBY_URL = db.url.replace(`:${pg.primary.port}/`, `:${standby.port}/`);
    // The role and database reach the standby by replication.
    for (let i = 0; i < 50 && !(await canConnect(secretsEnv.STANDBY_URL)); i += 1) await new Promise((r) => setTimeout(r, 100));

    const failure = await failureOf(activity().run(acts.preflightDatabase, spec(standbyDb, command)));
    expect(failure.type).toBe('PREFLIGHT_STANDBY');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toBe(
      'database preflight "standby" refused the deploy: the database is a standby (pg_is_in_recovery() is true); migrations must run on the primary, so point migrations.database at it',
    );
  });

  it('refuses when connections reach the configured share of max_connections', async () => {
    const db = await database();
    for (let i = 0; i < 12; i += 1) await session(db);
    const failure = await failureOf(activity().run(acts.preflightDatabase, spec(db, { ...command, preflight: { maxConnectionShare: 0.3 } })));
    expect(failure.type).toBe('PREFLIGHT_CONNECTIONS');
    expect(failure.message).toMatch(/^database preflight "connections" refused the deploy: \d+ of 40 connections in use \(\d+%\), at or above migrations.preflight.maxConnectionShare 30%$/);
  });

  it('reports an old transaction holding locks, and refuses it when configured', async () => {
    const db = await database();
    await query(db, 'CREATE TABLE accounts (id int)');
    const holder = await session(db);
    await holder.query('BEGIN');
    await holder.query('SELECT count(*) FROM accounts');
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    const report = await activity().run(acts.preflightDatabase, spec(db, { ...command, preflight: { longTransaction: '1s' } }));
    const finding = report.findings.find((f) => f.check === 'long-transactions')!;
    expect(finding.ok).toBe(false);
    expect(finding.detail).toMatch(/^transactions older than 1s hold locks: pid \d+ \(test session\) open for \d+s holding 1 lock\(s\) on accounts$/);

    const failure = await failureOf(
      activity().run(acts.preflightDatabase, spec(db, { ...command, preflight: { longTransaction: '1s', refuseOnLongTransaction: true } })),
    );
    expect(failure.type).toBe('PREFLIGHT_LONG_TRANSACTIONS');
    expect(failure.message).toContain('database preflight "long-transactions" refused the deploy: transactions older than 1s hold locks: pid');
  });

  it('refuses an unreachable database without quoting its URL', async () => {
    const db = await database();
    secretsEnv.WRONG_PASSWORD_URL = db.url.replace(/:pw-[0-9a-f]+@/, ':pw-wrong-secret-0001@');
    passwords.push('pw-wrong-secret-0001');
    const failure = await failureOf(activity().run(acts.preflightDatabase, spec({ ...db, ref: 'env:WRONG_PASSWORD_URL' }, command)));
    expect(failure.type).toBe('PREFLIGHT_REACHABLE');
    expect(failure.message).toBe(`database preflight "reachable" refused the deploy: the database refused the connection: password authentication failed for user "${db.name}"`);
  });
});

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('migration command in a one-off container', () => {
  it('runs once from the new image with DATABASE_URL and PGOPTIONS, records the versions and leaves no container', async () => {
    const db = await database();
    const first = await activity().run(acts.migrate, spec(db, command), images.v1);
    expect(first).toMatchObject({ mode: 'command', applied: [], versionBefore: null, versionAfter: '1' });
    expect(first.outputTail).toContain('session lock_timeout=5s statement_timeout=1min');

    const second = await activity().run(acts.migrate, spec(db, { ...command, lockTimeout: '2s', statementTimeout: '30s' }), images.v2);
    expect(second).toMatchObject({ versionBefore: '1', versionAfter: '2' });
    expect(second.outputTail.split('\n')).toEqual([
      'session lock_timeout=2s statement_timeout=30s',
      expect.stringMatching(/^migrated 2_add_price up in \d+ms$/),
      'schema version 2',
    ]);
    expect(await columns(db, 'items')).toEqual(['id', 'name', 'price']);
    expect(await docker.listContainers({ all: true, filters: { label: ['berth.role=migration'] } })).toEqual([]);
  });

  it('runs the down command back to the version recorded before, and a second down changes nothing', async () => {
    const db = await database();
    await migrated(db, 'v1', command);
    const deploy = spec(db, command);
    const result = await activity().run(acts.migrate, deploy, images.v2);
    const down = await activity().run(acts.migrateDown, deploy, images.v2, result);
    expect(down).toMatchObject({ ran: true, versionBefore: '2', versionAfter: '1' });
    expect(await columns(db, 'items')).toEqual(['id', 'name']);
    expect(await activity().run(acts.migrateDown, deploy, images.v2, result)).toMatchObject({ ran: false, versionBefore: '1', versionAfter: '1' });
  });

  it('a failing command that moved the schema is brought back by its down, and says so', async () => {
    const db = await database();
    await migrated(db, 'v1', command);
    const failure = await failureOf(activity().run(acts.migrate, spec(db, command), images.broken));
    expect(failure.type).toBe('MIGRATION_FAILED');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message.split('\n')[0]).toBe(
      'the migration command exited with code 1; it had moved the schema to version 2; the down command brought it back to 1',
    );
    expect(failure.details?.[0]).toMatchObject({ kind: 'migration', step: 'migrate', outputTail: expect.stringContaining('relation "no_such_table" does not exist') });
    expect(await columns(db, 'items')).toEqual(['id', 'name']);
  });

  it('with rollback: never, a failed command says plainly that the schema stayed forward', async () => {
    const db = await database();
    await migrated(db, 'v1', command);
    const failure = await failureOf(activity().run(acts.migrate, spec(db, { command: command.command, rollback: 'never' }), images.broken));
    expect(failure.message.split('\n')[0]).toBe('the migration command exited with code 1; rollback: never: the schema stayed at version 2 (it was 1)');
    expect(await columns(db, 'items')).toEqual(['id', 'name', 'price']);
  });
});

describe('cancelling a migration', () => {
  it('kills the command, runs the down for what it moved, then reports the cancel', async () => {
    const db = await database();
    await migrated(db, 'v1', command);
    const lingering = { command: ['/bin/sh', '-c', '/app/migrate up && sleep 60'], down: command.down };
    const migration = activity();
    const running = failureOf(migration.run(acts.migrate, spec(db, lingering), images.v2));
    for (let i = 0; i < 100 && !(await columns(db, 'items')).includes('price'); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await columns(db, 'items')).toEqual(['id', 'name', 'price']);
    const cancelledAt = Date.now();
    migration.cancel();
    const failure = await running;
    console.log(`cancel: the migrate activity ended ${Date.now() - cancelledAt} ms after the cancel, schema back at version 1`);
    expect(failure).toBeInstanceOf(CancelledFailure);
    expect(await columns(db, 'items')).toEqual(['id', 'name']);
    expect(await query(db, 'SELECT version FROM schema_migrations')).toEqual([{ version: '1' }]);
    expect(await docker.listContainers({ all: true, filters: { label: ['berth.role=migration'] } })).toEqual([]);
  });
});

describe('the project migration lock', () => {
  const slowCommand = { command: ['/bin/sh', '-c', 'sleep 2; exec /app/migrate up'], down: command.down };

  it('serialises two deploys migrating one project: the second waits, then finds nothing to do', async () => {
    const db = await database();
    const [a, b] = await Promise.all([
      activity().run(acts.migrate, spec(db, slowCommand, 'a'), images.v2),
      new Promise((resolve) => setTimeout(resolve, 300)).then(() => activity().run(acts.migrate, spec(db, slowCommand, 'b'), images.v2)),
    ]);
    console.log(`lock: first migrated ${a.versionBefore} -> ${a.versionAfter} in ${a.durationMs} ms; second waited ${b.lockWaitedMs} ms, then ${b.versionBefore} -> ${b.versionAfter}`);
    expect([a.versionBefore, a.versionAfter]).toEqual([null, '2']);
    expect([b.versionBefore, b.versionAfter]).toEqual(['2', '2']);
    expect(b.lockWaitedMs).toBeGreaterThan(1_000);
    expect(b.outputTail).not.toContain('migrated 1_create_items');
    expect(await query(db, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([{ version: '1' }, { version: '2' }]);
  });

  it('fails the second with "another migration is running" when lockWait is short', async () => {
    const db = await database();
    const first = activity().run(acts.migrate, spec(db, slowCommand, 'a'), images.v2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const startedAt = Date.now();
    const failure = await failureOf(activity().run(acts.migrate, spec(db, { ...slowCommand, lockWait: '500ms' }, 'b'), images.v2));
    const waitedMs = Date.now() - startedAt;
    console.log(`lock: second deploy gave up after ${waitedMs} ms (lockWait 500ms)`);
    expect(failure.type).toBe('MIGRATION_LOCKED');
    expect(failure.message).toMatch(
      new RegExp(`^another migration is running for project ${db.project} \\(held by berth-migrate ${db.project}-a-[0-9a-f]+ \\(pid \\d+, connected \\d+s ago\\)\\); gave up after waiting \\d+ ms \\(migrations.lockWait\\)$`),
    );
    expect(waitedMs).toBeLessThan(2_000);
    await first;
  });
});

describe('built-in runner', () => {
  it('applies NNN_name.up.sql files from the image, each recorded with its checksum', async () => {
    const db = await database();
    const first = await activity().run(acts.migrate, spec(db, builtin), images.v1);
    expect(first).toMatchObject({ mode: 'builtin', applied: ['001_create_widgets'], versionBefore: null, versionAfter: '1' });
    const second = await activity().run(acts.migrate, spec(db, builtin), images.v2);
    expect(second).toMatchObject({ applied: ['002_add_widget_color', '003_create_gadgets'], versionBefore: '1', versionAfter: '3' });
    expect(await tables(db)).toEqual(['berth_schema_migrations', 'gadgets', 'widgets']);
    expect(await columns(db, 'widgets')).toEqual(['id', 'name', 'color']);
    const rows = await query<{ version: string; name: string; checksum: string }>(db, 'SELECT version, name, checksum FROM berth_schema_migrations ORDER BY version');
    expect(rows.map((row) => [row.version, row.name])).toEqual([
      ['1', '001_create_widgets'],
      ['2', '002_add_widget_color'],
      ['3', '003_create_gadgets'],
    ]);
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.checksum))).toBe(true);
    const again = await activity().run(acts.migrate, spec(db, builtin), images.v2);
    expect(again).toMatchObject({ applied: [], versionBefore: '3', versionAfter: '3' });
  });

  it('refuses an image whose already-applied file changed, and applies nothing', async () => {
    const db = await database();
    await migrated(db, 'v1', builtin);
    const failure = await failureOf(activity().run(acts.migrate, spec(db, builtin), images.drift));
    expect(failure.type).toBe('MIGRATION_CHECKSUM');
    expect(failure.nonRetryable).toBe(true);
    expect(failure.message).toMatch(
      /^applied migrations changed since they were applied; write a new migration instead:\n {2}001_create_widgets\.up\.sql changed after it was applied \(checksum [0-9a-f]{12} applied, [0-9a-f]{12} in the image\)$/,
    );
    expect(await columns(db, 'widgets')).toEqual(['id', 'name']);
  });

  it('compensates with exactly the downs of what this deploy applied, once', async () => {
    const db = await database();
    await migrated(db, 'v1', builtin);
    const deploy = spec(db, builtin);
    const result = await activity().run(acts.migrate, deploy, images.v2);
    const down = await activity().run(acts.migrateDown, deploy, images.v2, result);
    expect(down).toMatchObject({ ran: true, reverted: ['003_create_gadgets', '002_add_widget_color'], versionBefore: '3', versionAfter: '1' });
    expect(await tables(db)).toEqual(['berth_schema_migrations', 'widgets']);
    expect(await columns(db, 'widgets')).toEqual(['id', 'name']);
    expect(await activity().run(acts.migrateDown, deploy, images.v2, result)).toMatchObject({ ran: false, reverted: [], versionAfter: '1' });
  });

  it('a file that fails reverts what the deploy applied before it', async () => {
    const db = await database();
    await migrated(db, 'v1', builtin);
    const failure = await failureOf(activity().run(acts.migrate, spec(db, builtin), images.broken));
    expect(failure.type).toBe('MIGRATION_FAILED');
    expect(failure.message.split('\n')[0]).toMatch(
      /^003_create_gadgets\.up\.sql failed after \d+ ms: relation "no_such_table" does not exist \(SQLSTATE 42P01\); reverted what this deploy applied before it \(002_add_widget_color\)$/,
    );
    expect(await tables(db)).toEqual(['berth_schema_migrations', 'widgets']);
    expect(await columns(db, 'widgets')).toEqual(['id', 'name']);
  });
});

describe('lock_timeout keeps a blocked migration from blocking everyone else', () => {
  it('fails within about lockTimeout when another session holds ACCESS EXCLUSIVE on the table', async () => {
    for (const mode of ['command', 'builtin'] as const) {
      const db = await database();
      const table = mode === 'command' ? 'items' : 'widgets';
      const config = { ...(mode === 'command' ? command : builtin), lockTimeout: '1s' };
      await migrated(db, 'v1', config);
      const holder = await session(db);
      await holder.query('BEGIN');
      await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);

      const startedAt = Date.now();
      const failure = await failureOf(activity().run(acts.migrate, spec(db, config), images.v2));
      const activityMs = Date.now() - startedAt;
      const statementMs = Number(/failed after (\d+) ?ms/.exec(failure.shown)?.[1]);
      console.log(`lock_timeout 1s, ${mode}: the blocked statement gave up after ${statementMs} ms; the whole migrate activity took ${activityMs} ms`);
      expect(failure.type).toBe('MIGRATION_FAILED');
      expect(failure.shown).toContain('canceling statement due to lock timeout');
      expect(statementMs).toBeGreaterThanOrEqual(950);
      expect(statementMs).toBeLessThan(1_600);
      await holder.query('ROLLBACK');
    }
  });

  it('a probe queued behind the waiting ALTER is released within about lockTimeout', async () => {
    const db = await database();
    const config = { ...command, lockTimeout: '1500ms' };
    await migrated(db, 'v1', config);
    // A long reader: harmless alone, but ALTER TABLE queues behind it and every later query queues behind the ALTER.
    const reader = await session(db);
    await reader.query('BEGIN');
    await reader.query('SELECT count(*) FROM items');

    const migrating = failureOf(activity().run(acts.migrate, spec(db, config), images.v2));
    const watcher = await session(db);
    for (let i = 0; i < 100; i += 1) {
      const { rows } = await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dbapp v2' AND wait_event_type = 'Lock'`);
      if (rows[0].n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const probe = await session(db);
    const latencies: number[] = [];
    const probing = (async () => {
      for (let i = 0; i < 15; i += 1) {
        const startedAt = Date.now();
        await probe.query('SELECT count(*) FROM items');
        latencies.push(Date.now() - startedAt);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const failure = await migrating;
    await probing;
    await reader.query('ROLLBACK');
    console.log(`lock_timeout 1500ms, probe queued behind the ALTER: latencies ${latencies.join(', ')} ms (max ${Math.max(...latencies)} ms)`);
    expect(failure.shown).toContain('canceling statement due to lock timeout');
    expect(Math.max(...latencies)).toBeGreaterThan(200);
    expect(Math.max(...latencies)).toBeLessThan(1_500 + 500);
  });
});

describe('database credentials', () => {
  it('never appear in logs, heartbeats, results or errors, even when the migration prints them', async () => {
    const db = await database();
    const leaky = { command: ['/bin/sh', '-c', 'echo "connecting to $DATABASE_URL"; exec /app/migrate up'], down: command.down };
    const result = await activity().run(acts.migrate, spec(db, leaky), images.v1);
    expect(result.outputTail).toContain('connecting to [redacted]');
    const failing = { command: ['/bin/sh', '-c', 'echo "still $DATABASE_URL"; exit 3'], down: command.down };
    const failure = await failureOf(activity().run(acts.migrate, spec(db, failing), images.v1));
    expect(failure.shown).toContain('still [redacted]');

    const everything = [...logLines, JSON.stringify(heartbeats), JSON.stringify(result), failure.shown, failure.stack ?? ''].join('\n');
    for (const password of passwords) expect(everything).not.toContain(password);
    expect(everything).not.toContain(db.url);
  });
});
