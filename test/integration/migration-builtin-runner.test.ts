import { acts, activity, builtin, columns, database, failureOf, images, migrated, query, spec, tables, useMigrationWorld } from '../support/migration-world';

/** Berth's built-in runner: NNN_name.up.sql files read from the image, checksummed, undone exactly. */
useMigrationWorld();

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
