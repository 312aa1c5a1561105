import type { Client } from 'pg';
import { PermanentError } from '../model/errors';
import { isServerError } from './connect';

/** SQLSTATE undefined_table: a version query on a database that has never been migrated. */
const undefinedTable = '42P01';

/**
 * The schema version as the configured query reports it: the first column of
 * the first row, as text; null when there is no row, the value is NULL, or
 * the table the query reads does not exist yet.
 */
export async function readSchemaVersion(client: Client, versionQuery: string): Promise<string | null> {
  try {
    const { rows } = await client.query<unknown[]>({ text: versionQuery, rowMode: 'array' });
    const value = rows[0]?.[0];
    return value === undefined || value === null ? null : String(value);
  } catch (error) {
    if (isServerError(error) && error.code === undefinedTable) return null;
    // Class 42 (syntax, unknown column, no privilege) and 0A000 (a server built without XML, which the default
    // query uses) fail the same way every time; a lock or statement timeout may not.
    if (isServerError(error) && (error.code.startsWith('42') || error.code === '0A000')) {
      throw new PermanentError('VERSION_QUERY', `migrations.versionQuery failed: ${error.message}; set it to a query that returns your schema version`);
    }
    throw error;
  }
}
