import { eventually } from '../support/eventually';
import { acts, activity, builtin, command, database, failureOf, images, migrated, query, session, spec, useMigrationWorld, type TestDatabase } from '../support/migration-world';

/** Locks around migrations: the project's advisory lock serialises deploys; lock_timeout keeps a blocked ALTER from stalling everyone. */
useMigrationWorld();

/** True once a deploy of the database's project holds Berth's migration lock there. */
async function lockHeld(db: TestDatabase): Promise<boolean> {
  const rows = await query<{ n: number }>(
    db,
    `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = hashtext('berth.migrate')::oid AND objid = hashtext('${db.project}')::oid`,
  );
  return rows[0].n > 0;
}

describe('the project migration lock', () => {
  const slowCommand = { command: ['/bin/sh', '-c', 'sleep 2; exec /app/migrate up'], down: command.down };

  it('serialises two deploys migrating one project: the second waits, then finds nothing to do', async () => {
    const db = await database();
    const first = activity().run(acts.migrate, spec(db, slowCommand, 'a'), images.v2);
    await eventually(() => lockHeld(db), { what: 'the first deploy holding the migration lock', timeoutMs: 10_000, intervalMs: 50 });
    const [a, b] = await Promise.all([first, activity().run(acts.migrate, spec(db, slowCommand, 'b'), images.v2)]);
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
    await eventually(() => lockHeld(db), { what: 'the first deploy holding the migration lock', timeoutMs: 10_000, intervalMs: 50 });
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
    await eventually(
      async () => (await watcher.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'dbapp v2' AND wait_event_type = 'Lock'`)).rows[0].n > 0,
      { what: 'the ALTER queueing behind the reader', timeoutMs: 5_000, intervalMs: 50 },
    );
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
