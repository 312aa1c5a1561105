import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Harness } from '../support/berth-harness';
import { historyText } from '../support/history';
import { startPostgres, type PostgresWorld } from '../support/postgres';

/** Migrations through the whole deploy: real PostgreSQL, real containers, real Temporal. */
describe('database migrations in a deploy', () => {
  const password = 'app-password-never-in-history';
  let pg: PostgresWorld;
  let berth: Harness;

  const migrations = {
    database: 'env:BERTH_TEST_DB_URL',
    command: ['/app/migrate', 'up'],
    down: ['/app/migrate', 'down'],
    lockTimeout: '2s',
    rollback: 'on-failure',
  };

  beforeAll(async () => {
    pg = await startPostgres();
    process.env.BERTH_TEST_DB_URL = await pg.createDatabase('app', { name: 'app', password });
    berth = new Harness({
      name: 'migrate',
      environments: { staging: {}, preview: {} },
      project: {
        image: '127.0.0.1:5000/fixture/dbapp',
        secrets: { DATABASE_URL: 'env:BERTH_TEST_DB_URL' },
        migrations,
      },
    });
    await berth.start();
  });
  afterAll(async () => {
    await berth.stop();
    await pg.stop();
  });

  const schemaVersion = async () => (await pg.query('SELECT max(version)::text AS version FROM schema_migrations', 'app'))[0].version;

  it('runs the migration once, and the new release sees the new schema', async () => {
    const record = await berth.deployAndWait('v1');

    expect(record.status).toBe('succeeded');
    expect(record.steps.map((s) => s.name).slice(0, 3)).toEqual(['pull', 'preflight', 'migrate']);
    expect(record.migration).toMatchObject({ mode: 'command', versionBefore: null, versionAfter: '1' });
    expect(record.events.some((line) => line.type === 'log' && line.step === 'migrate')).toBe(true);
    const schema = JSON.parse((await berth.proxyGet('staging', '/schema')).body);
    expect(schema).toMatchObject({ version: 1, tables: expect.arrayContaining(['items', 'schema_migrations']) });
    expect(await pg.query('SELECT count(*)::int AS n FROM schema_migrations', 'app')).toEqual([{ n: 1 }]);
  });

  it('migrates down when the health check fails after a successful migration', async () => {
    const record = await berth.deployAndWait('v2-unhealthy');

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(record.migration).toMatchObject({ versionBefore: '1', versionAfter: '2' });
    expect(record.steps.find((s) => s.name === 'compensation')?.status).toBe('succeeded');
    expect(await schemaVersion()).toBe('1');
    expect(await berth.proxyGet('staging', '/version')).toEqual({ status: 200, body: 'v1' });
    expect(JSON.parse((await berth.proxyGet('staging', '/schema')).body).version).toBe(1);
  });

  it('a migration blocked by a lock fails within about lockTimeout, and the previous release keeps serving', async () => {
    const holder = new Client({ connectionString: process.env.BERTH_TEST_DB_URL });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE items IN ACCESS EXCLUSIVE MODE');
      const record = await berth.deployAndWait('v2');
      const migrate = record.steps.find((s) => s.name === 'migrate')!;
      const migrateMs = Date.parse(migrate.finishedAt!) - Date.parse(migrate.startedAt);

      console.log(`migration behind an ACCESS EXCLUSIVE lock failed after ${migrateMs} ms (lockTimeout 2 s)`);
      expect(record.status).toBe('failed');
      expect(record.failedStep).toBe('migrate');
      expect(record.reason).toMatch(/lock timeout/i);
      expect(migrateMs).toBeLessThan(2000 + 5000);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect(await schemaVersion()).toBe('1');
    expect(await berth.proxyGet('staging', '/version')).toEqual({ status: 200, body: 'v1' });
  });

  it('two deploys started together migrate once; the second waits for the lock', async () => {
    const [first, second] = await Promise.all([berth.deploy('v2', 'staging'), berth.deploy('v2', 'preview')]);
    const records = await Promise.all([berth.waitForEnd(first), berth.waitForEnd(second)]);

    expect(records.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    const moved = records.map((r) => [r.migration!.versionBefore, r.migration!.versionAfter]).sort();
    expect(moved).toEqual([
      ['1', '2'],
      ['2', '2'],
    ]);
    expect(await pg.query('SELECT version::text FROM schema_migrations ORDER BY version', 'app')).toEqual([{ version: '1' }, { version: '2' }]);
    console.log(`concurrent migrations: lock waits ${records.map((r) => r.migration!.lockWaitedMs).join(' ms, ')} ms`);
  });

  it('never puts the database password in workflow history, API answers or logs', async () => {
    const { body } = await berth.request('GET', `/v1/projects/${berth.project}/environments/staging`);
    for (const entry of body.history) {
      const history = await historyText(berth, entry.deploymentId);
      expect(history).toContain('env:BERTH_TEST_DB_URL');
      expect(history).not.toContain(password);
      expect(JSON.stringify((await berth.request('GET', `/v1/deployments/${entry.deploymentId}`)).body)).not.toContain(password);
    }
    const log = readFileSync(join(__dirname, '..', '..', '.berth', 'test', `berth-${berth.project}.log`), 'utf8');
    expect(log).toContain('migrat');
    expect(log).not.toContain(password);
  });

  it('a standby refuses the deploy at preflight', async () => {
    const standby = await pg.startStandby();
    process.env.BERTH_TEST_STANDBY_URL = `postgres://app:${password}@127.0.0.1:${standby.port}/app`;
    const onStandby = new Harness({
      name: 'migstandby',
      project: { image: '127.0.0.1:5000/fixture/dbapp', migrations: { ...migrations, database: 'env:BERTH_TEST_STANDBY_URL' } },
    });
    await onStandby.start();
    try {
      const record = await onStandby.deployAndWait('v1');
      expect(record.status).toBe('failed');
      expect(record.failedStep).toBe('preflight');
      expect(record.reason).toMatch(/standby/);
      expect(record.reason).not.toContain(password);
      expect(record.steps.map((s) => s.name)).not.toContain('migrate');
      expect(await onStandby.releases()).toEqual([]);
    } finally {
      await onStandby.stop();
    }
  });

  it('migrates staging and production in their own databases, each with its own secret', async () => {
    const stagingPassword = 'staging-password-never-shown';
    const productionPassword = 'production-password-never-shown';
    process.env.BERTH_TEST_STAGING_DB_URL = await pg.createDatabase('web_staging', { name: 'web_staging', password: stagingPassword });
    process.env.BERTH_TEST_PRODUCTION_DB_URL = await pg.createDatabase('web_production', { name: 'web_production', password: productionPassword });
    const perEnvironment = new Harness({
      name: 'migenvs',
      project: {
        image: '127.0.0.1:5000/fixture/dbapp',
        // Project defaults: staging's database; production overrides both the app's secret and the migration's database.
        secrets: { DATABASE_URL: 'env:BERTH_TEST_STAGING_DB_URL' },
        migrations: { ...migrations, database: 'env:BERTH_TEST_STAGING_DB_URL' },
      },
      environments: {
        staging: {},
        production: { secrets: { DATABASE_URL: 'env:BERTH_TEST_PRODUCTION_DB_URL' }, migrations: { database: 'env:BERTH_TEST_PRODUCTION_DB_URL' } },
      },
    });
    await perEnvironment.start();
    try {
      expect((await perEnvironment.deployAndWait('v1', 'staging')).status).toBe('succeeded');
      expect((await perEnvironment.deployAndWait('v2', 'production')).status).toBe('succeeded');

      const versions = async (database: string) => (await pg.query('SELECT version::text FROM schema_migrations ORDER BY version', database)).map((row) => row.version);
      expect(await versions('web_staging')).toEqual(['1']);
      expect(await versions('web_production')).toEqual(['1', '2']);
      expect(JSON.parse((await perEnvironment.proxyGet('staging', '/schema')).body).version).toBe(1);
      expect(JSON.parse((await perEnvironment.proxyGet('production', '/schema')).body).version).toBe(2);

      const production = await perEnvironment.request('GET', `/v1/projects/${perEnvironment.project}/environments/production`);
      expect(production.body.settings).toMatchObject({
        secrets: { DATABASE_URL: 'env:BERTH_TEST_PRODUCTION_DB_URL' },
        migrations: { database: 'env:BERTH_TEST_PRODUCTION_DB_URL', command: ['/app/migrate', 'up'], lockTimeout: 2000 },
      });
      const staging = await perEnvironment.request('GET', `/v1/projects/${perEnvironment.project}/environments/staging`);
      expect(staging.body.settings.migrations.database).toBe('env:BERTH_TEST_STAGING_DB_URL');
      for (const answer of [production, staging]) {
        expect(JSON.stringify(answer.body)).not.toContain(productionPassword);
        expect(JSON.stringify(answer.body)).not.toContain(stagingPassword);
      }
    } finally {
      await perEnvironment.stop();
    }
  });
});
