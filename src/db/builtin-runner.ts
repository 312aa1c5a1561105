import type { Client } from 'pg';
import { isServerError } from './connect';
import { MigrationFailedError, MigrationFilesError } from './errors';
import type { AppliedMigration, MigrationFile } from './migration-files';

/** Berth's record of built-in migrations, one row per applied file, in the project's database. */
export const migrationsTable = 'berth_schema_migrations';

const createTableSql = `
CREATE TABLE IF NOT EXISTS ${migrationsTable} (
  version bigint PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  deployment_id text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

export interface RunnerOptions {
  deploymentId: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** Berth's own progress lines (`applied 002_add_color in 12 ms`). */
  onLine?: (line: string) => void;
  /** Checked between files: a cancelled deploy stops before its next file. */
  signal?: AbortSignal;
}

/**
 * Runs `body` in one transaction with the migration timeouts set for it
 * alone; any failure rolls the whole file back.
 */
async function inTransaction(client: Client, options: RunnerOptions, body: () => Promise<void>): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = ${Math.round(options.lockTimeoutMs)}`);
    await client.query(`SET LOCAL statement_timeout = ${Math.round(options.statementTimeoutMs)}`);
    await body();
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** SQL errors fail the same way next time (and a retry would queue behind the same lock again); a broken connection may not. */
function failed(what: string, error: unknown, startedAt: number): Error {
  if (!isServerError(error)) return error as Error;
  return new MigrationFailedError(`${what} failed after ${Date.now() - startedAt} ms: ${error.message} (SQLSTATE ${error.code})`);
}

/** Creates the table under the caller's lock; concurrent CREATE TABLE IF NOT EXISTS can otherwise collide. */
export async function ensureMigrationsTable(client: Client, options: RunnerOptions): Promise<void> {
  await inTransaction(client, options, async () => {
    await client.query(createTableSql);
  });
}

export async function readApplied(client: Client): Promise<AppliedMigration[]> {
  const { rows: exists } = await client.query<{ found: boolean }>(`SELECT to_regclass('${migrationsTable}') IS NOT NULL AS found`);
  if (!exists[0].found) return [];
  const { rows } = await client.query<{ version: string; name: string; checksum: string; deployment_id: string }>(
    `SELECT version, name, checksum, deployment_id FROM ${migrationsTable} ORDER BY version`,
  );
  return rows.map((row) => ({ version: Number(row.version), name: row.name, checksum: row.checksum, deploymentId: row.deployment_id }));
}

/**
 * Applies `pending` in order, each file and its row in berth_schema_migrations
 * in one transaction, so a file is either wholly applied and recorded or not
 * at all. Stops at the first failure; what was applied before it stays (and
 * is recorded under this deploy, for revertDeployment).
 */
export async function applyMigrations(client: Client, pending: MigrationFile[], options: RunnerOptions): Promise<string[]> {
  const applied: string[] = [];
  for (const file of pending) {
    options.signal?.throwIfAborted();
    const startedAt = Date.now();
    try {
      await inTransaction(client, options, async () => {
        // No parameters: the simple query protocol, so a file may hold several statements.
        await client.query(file.up);
        await client.query(`INSERT INTO ${migrationsTable} (version, name, checksum, deployment_id) VALUES ($1, $2, $3, $4)`, [
          file.version,
          file.name,
          file.checksum,
          options.deploymentId,
        ]);
      });
    } catch (error) {
      options.onLine?.(`${file.name} failed after ${Date.now() - startedAt} ms: ${(error as Error).message}`);
      throw failed(`${file.name}.up.sql`, error, startedAt);
    }
    applied.push(file.name);
    options.onLine?.(`applied ${file.name} in ${Date.now() - startedAt} ms`);
  }
  return applied;
}

/**
 * Runs the downs of exactly the migrations this deploy applied, newest first,
 * each with the removal of its row in one transaction. What is no longer
 * recorded is not reverted again, so running this twice is harmless.
 */
export async function revertDeployment(client: Client, files: MigrationFile[], options: RunnerOptions): Promise<string[]> {
  const ours = (await readApplied(client)).filter((row) => row.deploymentId === options.deploymentId).reverse();
  const byVersion = new Map(files.map((file) => [file.version, file]));
  const missing = ours.filter((row) => byVersion.get(row.version)?.down === undefined);
  if (missing.length > 0) throw new MigrationFilesError(missing.map((row) => `${row.name}: cannot be reverted: the image has no ${row.name}.down.sql`));
  const reverted: string[] = [];
  for (const row of ours) {
    const startedAt = Date.now();
    try {
      await inTransaction(client, options, async () => {
        await client.query(byVersion.get(row.version)!.down!);
        await client.query(`DELETE FROM ${migrationsTable} WHERE version = $1 AND deployment_id = $2`, [row.version, options.deploymentId]);
      });
    } catch (error) {
      options.onLine?.(`${row.name} down failed after ${Date.now() - startedAt} ms: ${(error as Error).message}`);
      throw failed(`${row.name}.down.sql`, error, startedAt);
    }
    reverted.push(row.name);
    options.onLine?.(`reverted ${row.name} in ${Date.now() - startedAt} ms`);
  }
  return reverted;
}
