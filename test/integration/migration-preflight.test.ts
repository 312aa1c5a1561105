import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { acts, activity, command, database, failureOf, passwords, postgres, query, secretsEnv, session, spec, useMigrationWorld } from '../support/migration-world';

/** The database preflight before a migration: reachable, primary, connections to spare, no old lock-holding transaction. */
useMigrationWorld();

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
    const standby = await postgres().startStandby();
    const db = await database();
    const standbyDb = { ...db, ref: 'env:STANDBY_URL' };
    secretsEnv.STANDBY_URL = db.url.replace(`:${postgres().primary.port}/`, `:${standby.port}/`);
    // The role and database reach the standby by replication.
    await eventually(() => canConnect(secretsEnv.STANDBY_URL!), { what: 'the standby accepting the replicated role', timeoutMs: 10_000 });

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

    // The transaction counts once it is older than 1s.
    const finding = await eventually(
      async () => {
        const report = await activity().run(acts.preflightDatabase, spec(db, { ...command, preflight: { longTransaction: '1s' } }));
        const found = report.findings.find((f) => f.check === 'long-transactions')!;
        expect(found.ok).toBe(false);
        return found;
      },
      { what: 'preflight seeing a transaction older than 1s', timeoutMs: 10_000, intervalMs: 200 },
    );
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
