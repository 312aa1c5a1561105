import type { Client } from 'pg';
import { openSession, type Session, type SessionOptions } from './connect';
import { MigrationLockedError } from './errors';

/**
 * The two-key advisory lock of a project's migrations: a fixed first key
 * keeps Berth's locks apart from the application's own advisory locks.
 */
const lockKeySql = "hashtext('berth.migrate'), hashtext($1)";

const holderSql = `
SELECT a.pid, a.application_name, floor(extract(epoch FROM clock_timestamp() - a.backend_start))::int AS held_s
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
   AND l.classid = hashtext('berth.migrate')::oid AND l.objid = hashtext($1)::oid
   AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** A held migration lock: the session that holds it, on which the migration's own SQL may run. */
export interface MigrationLock {
  client: Client;
  session: Session;
  waitedMs: number;
  /** Releases the lock and closes its session; safe to call twice. */
  release(): Promise<void>;
}

export interface LockOptions extends SessionOptions {
  /** How long to wait for another holder before giving up with "another migration is running". */
  waitMs: number;
  pollMs?: number;
  /** Called while waiting, with who holds the lock: the activity heartbeats here. */
  onWait?: (holder: string) => void;
  signal?: AbortSignal;
}

/** Who holds the lock, as pg_stat_activity tells it: `berth-migrate web-staging-x (pid 4242) for 12s`. */
async function describeHolder(client: Client, project: string): Promise<string> {
  const { rows } = await client.query<{ pid: number; application_name: string; held_s: number }>(holderSql, [project]);
  const row = rows[0];
  if (!row) return 'its holder just let go';
  return `held by ${row.application_name || 'an unnamed session'} (pid ${row.pid}, connected ${row.held_s}s ago)`;
}

/**
 * Takes the project's migration lock on a dedicated session, waiting at most
 * `waitMs` for another holder. A session-level lock dies with its session,
 * so a crashed worker never leaves it held; for the same reason it needs a
 * direct connection, not a transaction-pooling proxy.
 */
export async function acquireMigrationLock(url: string, project: string, options: LockOptions): Promise<MigrationLock> {
  const session = await openSession(url, options);
  const { client } = session;
  const startedAt = Date.now();
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKeySql}) AS locked`, [project]);
      if (rows[0].locked) break;
      const holder = await describeHolder(client, project);
      const waitedMs = Date.now() - startedAt;
      if (waitedMs >= options.waitMs) throw new MigrationLockedError(project, holder, waitedMs);
      options.signal?.throwIfAborted();
      options.onWait?.(holder);
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 250, Math.max(1, options.waitMs - waitedMs))));
    }
  } catch (error) {
    await session.close();
    throw error;
  }
  let released = false;
  return {
    client,
    session,
    waitedMs: Date.now() - startedAt,
    async release() {
      if (released) return;
      released = true;
      // Closing the session alone would release it; unlocking first frees it before the socket is torn down.
      await client.query(`SELECT pg_advisory_unlock(${lockKeySql})`, [project]).catch(() => undefined);
      await session.close();
    },
  };
}
