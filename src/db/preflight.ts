import type { Client } from 'pg';
import { retry } from '../retry';
import type { PreflightFinding, PreflightReport, MigrationSpec } from '../model/migration-types';
import { isServerError, openSession, type Session } from './connect';
import { PreflightError } from './errors';

export type PreflightOptions = MigrationSpec['preflight'];

/** SQLSTATE classes that no retry fixes: bad password (28), unknown database (3D), bad parameters (08P01 aside). */
const refusedForGood = /^(28|3D)/;

interface ServerState {
  standby: boolean;
  server_version: string;
  max_connections: number;
  connections: number;
}

interface LongTransaction {
  pid: number;
  application_name: string | null;
  age_ms: string;
  locks: number;
  relations: string | null;
}

const serverStateSql = `
SELECT pg_is_in_recovery() AS standby,
       current_setting('server_version') AS server_version,
       current_setting('max_connections')::int AS max_connections,
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int AS connections`;

/** Transactions older than $1 ms that hold granted relation locks in this database. */
const longTransactionsSql = `
SELECT a.pid, a.application_name,
       floor(extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::bigint AS age_ms,
       count(*)::int AS locks,
       string_agg(DISTINCT l.relation::regclass::text, ', ') AS relations
  FROM pg_stat_activity a
  JOIN pg_locks l ON l.pid = a.pid AND l.granted AND l.locktype = 'relation'
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
 WHERE a.pid <> pg_backend_pid()
   AND a.xact_start < clock_timestamp() - make_interval(secs => $1::double precision / 1000)
 GROUP BY a.pid, a.application_name, a.xact_start
 ORDER BY a.xact_start
 LIMIT 5`;

/** Sessions of other roles whose activity this role may not see (it lacks pg_read_all_stats). */
const hiddenSessionsSql = `SELECT count(*)::int AS hidden FROM pg_stat_activity WHERE backend_type = 'client backend' AND query = '<insufficient privilege>'`;

function formatMs(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** A refused login fails at once; a database that does not answer gets a few tries over a few seconds. */
async function connect(url: string, applicationName: string): Promise<Session> {
  try {
    return await retry(() => openSession(url, { applicationName, connectTimeoutMs: 5_000 }), {
      attempts: 3,
      delayMs: 1_000,
      isRetryable: (error) => !(error instanceof TypeError) && !(isServerError(error) && refusedForGood.test(error.code)),
    });
  } catch (error) {
    const detail = (error as Error).message;
    if (isServerError(error) && refusedForGood.test(error.code)) throw new PreflightError('reachable', `the database refused the connection: ${detail}`);
    throw new PreflightError('reachable', `cannot connect to the database: ${detail}`);
  }
}

async function checkLongTransactions(client: Client, options: PreflightOptions): Promise<PreflightFinding> {
  const { rows } = await client.query<LongTransaction>(longTransactionsSql, [options.longTransactionMs]);
  const { rows: hiddenRows } = await client.query<{ hidden: number }>(hiddenSessionsSql);
  const hidden = hiddenRows[0].hidden > 0 ? `; ${hiddenRows[0].hidden} sessions of other roles cannot be inspected without pg_read_all_stats` : '';
  if (rows.length === 0) {
    return { check: 'long-transactions', ok: true, detail: `no transaction older than ${formatMs(options.longTransactionMs)} holds locks${hidden}` };
  }
  const described = rows.map(
    (row) => `pid ${row.pid}${row.application_name ? ` (${row.application_name})` : ''} open for ${formatMs(Number(row.age_ms))} holding ${row.locks} lock(s) on ${row.relations ?? '?'}`,
  );
  return { check: 'long-transactions', ok: false, detail: `transactions older than ${formatMs(options.longTransactionMs)} hold locks: ${described.join('; ')}${hidden}` };
}

/**
 * Checks, before anything changes, that migrations can run safely: the
 * database answers, it is a primary, it has connections to spare, and
 * (reported, or refused when configured) no old transaction holds locks a
 * migration would queue behind. A refused check throws a PreflightError
 * naming it; the report lists every finding.
 */
export async function preflightDatabase(url: string, options: PreflightOptions, session: { applicationName: string }): Promise<PreflightReport> {
  const { client, close } = await connect(url, session.applicationName);
  try {
    const findings: PreflightFinding[] = [];
    const { rows } = await client.query<ServerState>(serverStateSql);
    const state = rows[0];
    findings.push({ check: 'reachable', ok: true, detail: `connected to PostgreSQL ${state.server_version}` });

    if (state.standby) {
      throw new PreflightError('standby', 'the database is a standby (pg_is_in_recovery() is true); migrations must run on the primary, so point migrations.database at it');
    }
    findings.push({ check: 'standby', ok: true, detail: 'the database is a primary' });

    const share = state.connections / state.max_connections;
    const usage = `${state.connections} of ${state.max_connections} connections in use (${Math.round(share * 100)}%)`;
    if (share >= options.maxConnectionShare) {
      throw new PreflightError('connections', `${usage}, at or above migrations.preflight.maxConnectionShare ${Math.round(options.maxConnectionShare * 100)}%`);
    }
    findings.push({ check: 'connections', ok: true, detail: usage });

    const longTransactions = await checkLongTransactions(client, options);
    if (!longTransactions.ok && options.refuseOnLongTransaction) throw new PreflightError('long-transactions', longTransactions.detail);
    findings.push(longTransactions);
    return { serverVersion: state.server_version, findings };
  } finally {
    await close();
  }
}
