import { CancelledFailure } from '@temporalio/common';
import { eventually } from '../support/eventually';
import { acts, activity, columns, command, database, docker, failureOf, heartbeats, images, logLines, migrated, passwords, query, spec, useMigrationWorld } from '../support/migration-world';

/** A migration command run once in a one-off container: versions, down on failure or cancel, and credentials kept out of every output. */
useMigrationWorld();

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
    await eventually(async () => expect(await columns(db, 'items')).toEqual(['id', 'name', 'price']), { what: 'the command moving the schema', timeoutMs: 10_000, intervalMs: 50 });
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
