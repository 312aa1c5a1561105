import { createHash } from 'node:crypto';
import { ChecksumDriftError, MigrationFilesError } from './errors';

/** `001_create_items.up.sql`: digits, an underscore, a name, the direction. */
export const migrationFilePattern = /^(\d{1,18})_([A-Za-z0-9][A-Za-z0-9_-]*)\.(up|down)\.sql$/;

/** One migration of the built-in runner: an up file and, usually, its down. */
export interface MigrationFile {
  version: number;
  /** The file name without direction and extension, like `002_add_color`. */
  name: string;
  up: string;
  down?: string;
  /** sha256 of the up file's bytes, hex. */
  checksum: string;
}

/** A row of berth_schema_migrations. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  deploymentId: string;
}

export function checksumOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/**
 * Pure: the migrations in a directory listing (file name → content), ordered
 * by version. Files not ending in .sql are ignored; a .sql file with another
 * name, a version used twice, or a down without its up is refused, so a typo
 * never skips a migration silently.
 */
export function parseMigrationFiles(files: Record<string, string | Buffer>): MigrationFile[] {
  const problems: string[] = [];
  const byVersion = new Map<number, { name: string; up?: Buffer; down?: Buffer }>();
  for (const fileName of Object.keys(files).sort()) {
    if (!fileName.endsWith('.sql')) continue;
    const match = migrationFilePattern.exec(fileName);
    if (!match) {
      problems.push(`${fileName}: should be named NNN_name.up.sql or NNN_name.down.sql`);
      continue;
    }
    const [, digits, label, direction] = match;
    const version = Number(digits);
    const name = `${digits}_${label}`;
    const entry = byVersion.get(version) ?? { name };
    if (entry.name !== name) {
      problems.push(`${fileName}: version ${version} is also used by ${entry.name}`);
      continue;
    }
    entry[direction as 'up' | 'down'] = Buffer.from(files[fileName]);
    byVersion.set(version, entry);
  }
  const migrations: MigrationFile[] = [];
  for (const [version, entry] of [...byVersion].sort(([a], [b]) => a - b)) {
    if (!entry.up) {
      problems.push(`${entry.name}.down.sql: has no ${entry.name}.up.sql`);
      continue;
    }
    migrations.push({
      version,
      name: entry.name,
      up: entry.up.toString('utf8'),
      ...(entry.down && { down: entry.down.toString('utf8') }),
      checksum: checksumOf(entry.up),
    });
  }
  if (problems.length > 0) throw new MigrationFilesError(problems);
  return migrations;
}

/**
 * Pure: the migrations still to apply, in order. Refuses when an applied
 * file changed (name or checksum), when a pending migration is older than
 * one already applied (out of order), or, when downs are required
 * (`rollback: on-failure`), when a pending migration has no down.
 */
export function planMigrations(files: MigrationFile[], applied: AppliedMigration[], options: { requireDowns: boolean }): MigrationFile[] {
  const appliedByVersion = new Map(applied.map((row) => [row.version, row]));
  const drift: string[] = [];
  for (const file of files) {
    const row = appliedByVersion.get(file.version);
    if (!row) continue;
    if (row.name !== file.name) drift.push(`version ${file.version} was applied as ${row.name}; the image names it ${file.name}`);
    else if (row.checksum !== file.checksum) {
      drift.push(`${file.name}.up.sql changed after it was applied (checksum ${row.checksum.slice(0, 12)} applied, ${file.checksum.slice(0, 12)} in the image)`);
    }
  }
  if (drift.length > 0) throw new ChecksumDriftError(drift);

  const pending = files.filter((file) => !appliedByVersion.has(file.version));
  const newestApplied = Math.max(0, ...applied.map((row) => row.version));
  const problems: string[] = [];
  for (const file of pending) {
    if (file.version < newestApplied) problems.push(`${file.name}: older than applied version ${newestApplied}; out-of-order migrations are refused`);
    if (options.requireDowns && file.down === undefined) problems.push(`${file.name}: has no ${file.name}.down.sql, which rollback: on-failure needs (or set rollback: never)`);
  }
  if (problems.length > 0) throw new MigrationFilesError(problems);
  return pending;
}
