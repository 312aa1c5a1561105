import { Harness } from '../support/berth-harness';
import { startPostgres, type PostgresWorld } from '../support/postgres';

/** The built-in runner through whole deploys: SQL files from the image, checksums, exact compensation. */
describe('built-in migrations in a deploy', () => {
  let pg: PostgresWorld;
  let berth: Harness;

  beforeAll(async () => {
    pg = await startPostgres();
    process.env.BERTH_TEST_BUILTIN_DB_URL = await pg.createDatabase('builtin');
    berth = new Harness({
      name: 'builtin',
      project: {
        image: '127.0.0.1:5000/fixture/dbapp',
        secrets: { DATABASE_URL: 'env:BERTH_TEST_BUILTIN_DB_URL' },
        migrations: { database: 'env:BERTH_TEST_BUILTIN_DB_URL', dir: '/app/migrations', lockTimeout: '2s', rollback: 'on-failure' },
      },
    });
    await berth.start();
  });
  afterAll(async () => {
    await berth.stop();
    await pg.stop();
  });

  const applied = async () => (await pg.query('SELECT name FROM berth_schema_migrations ORDER BY version', 'builtin')).map((row) => row.name);
  const tables = async () =>
    (await pg.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", 'builtin')).map((row) => row.table_name);

  it('applies the files of the image and records them with checksums', async () => {
    const record = await berth.deployAndWait('v1');

    expect(record.status).toBe('succeeded');
    expect(record.migration).toMatchObject({ mode: 'builtin', applied: ['001_create_widgets'] });
    expect(await applied()).toEqual(['001_create_widgets']);
    expect(await tables()).toEqual(['berth_schema_migrations', 'widgets']);
  });

  it('runs exactly the downs of what a failed deploy applied', async () => {
    const record = await berth.deployAndWait('v2-unhealthy');

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(record.migration?.applied).toEqual(['002_add_widget_color', '003_create_gadgets']);
    expect(await applied()).toEqual(['001_create_widgets']);
    expect(await tables()).toEqual(['berth_schema_migrations', 'widgets']);
    expect(await berth.proxyGet('staging', '/version')).toEqual({ status: 200, body: 'v1' });
  });

  it('refuses a deploy whose already-applied file changed', async () => {
    const record = await berth.deployAndWait('drift');

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('migrate');
    expect(record.reason).toMatch(/checksum/i);
    expect(await applied()).toEqual(['001_create_widgets']);
    expect(await berth.proxyGet('staging', '/version')).toEqual({ status: 200, body: 'v1' });
  });

  it('moves forward with the next release', async () => {
    const record = await berth.deployAndWait('v2');

    expect(record.status).toBe('succeeded');
    expect(await applied()).toEqual(['001_create_widgets', '002_add_widget_color', '003_create_gadgets']);
    expect(await tables()).toEqual(['berth_schema_migrations', 'gadgets', 'widgets']);
  });
});
