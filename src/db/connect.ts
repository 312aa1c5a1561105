import { Client } from 'pg';

export interface SessionOptions {
  /** Shows in pg_stat_activity, so a person can tell Berth's sessions apart: `berth-migrate <deployment>`. */
  applicationName: string;
  connectTimeoutMs?: number;
  /** Limits for every statement of the session; Berth's own queries never wait long. */
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
}

/** A connected session and what became of it. */
export interface Session {
  client: Client;
  /** Set once the connection broke after connecting: a session-level lock held on it is gone. */
  lostWith(): Error | undefined;
  close(): Promise<void>;
}

/** PostgreSQL limits application_name to 63 bytes and truncates silently. */
function applicationName(name: string): string {
  return name.slice(0, 63);
}

/**
 * Opens one session. Its `error` event is handled: an idle client whose
 * server goes away would otherwise crash the worker with an unhandled error.
 */
export async function openSession(url: string, options: SessionOptions): Promise<Session> {
  const client = new Client({
    connectionString: url,
    application_name: applicationName(options.applicationName),
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    lock_timeout: options.lockTimeoutMs ?? 5_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
    keepAlive: true,
  });
  let lost: Error | undefined;
  client.on('error', (error) => {
    lost ??= error;
  });
  await client.connect();
  return {
    client,
    lostWith: () => lost,
    close: () => client.end().catch(() => undefined),
  };
}

/** Pure: the PGOPTIONS that applies the migration timeouts to every session of a libpq client. */
export function pgOptions(timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }): string {
  return `-c lock_timeout=${Math.round(timeouts.lockTimeoutMs)} -c statement_timeout=${Math.round(timeouts.statementTimeoutMs)}`;
}

/** True for errors the server reported (they carry a SQLSTATE); false for network and driver trouble. */
export function isServerError(error: unknown): error is Error & { code: string } {
  const code = (error as { code?: unknown } | undefined)?.code;
  return error instanceof Error && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}
