import { PermanentError } from '../model/errors';
import { detailsWith, failureTypes } from '../model/failures';
import type { PreflightCheck } from '../model/migration-types';

/**
 * Database problems that fail the same way on every attempt; activities turn
 * them into non-retryable failures. None of their messages carries a URL or a
 * password: callers pass text through `scrub` first.
 */
export class PreflightError extends PermanentError {
  constructor(
    readonly check: PreflightCheck,
    detail: string,
  ) {
    super(`PREFLIGHT_${check.toUpperCase().replace(/-/g, '_')}`, `database preflight "${check}" refused the deploy: ${detail}`);
  }
}

/** Another deploy holds the project's migration lock for longer than `lockWait`. */
export class MigrationLockedError extends PermanentError {
  constructor(project: string, holder: string, waitedMs: number) {
    super('MIGRATION_LOCKED', `another migration is running for project ${project} (${holder}); gave up after waiting ${waitedMs} ms (migrations.lockWait)`);
  }
}

/** The migration files in the image are not a valid set. */
export class MigrationFilesError extends PermanentError {
  constructor(problems: string[]) {
    super('MIGRATION_FILES', `the migration files cannot be applied:\n  ${problems.join('\n  ')}`);
  }
}

/** An applied migration's file changed since it was applied. */
export class ChecksumDriftError extends PermanentError {
  constructor(problems: string[]) {
    super('MIGRATION_CHECKSUM', `applied migrations changed since they were applied; write a new migration instead:\n  ${problems.join('\n  ')}`);
  }
}

/** The migration itself failed (SQL error, lock or statement timeout, non-zero exit); its output tail travels in the details. */
export class MigrationFailedError extends PermanentError {
  constructor(message: string, outputTail = '') {
    super(failureTypes.migrationFailed, message, detailsWith('migration', 'migrate', { outputTail }));
  }
}

/** The down ran but the schema did not return to the version recorded before the deploy. */
export class SchemaMismatchError extends PermanentError {
  constructor(expected: string | null, actual: string | null) {
    super('SCHEMA_MISMATCH', `after the down the schema is at version ${actual ?? 'none'}, not at ${expected ?? 'none'} as recorded before this deploy`);
  }
}

/** The database URL's secret reference cannot be resolved on this host. */
export class DatabaseSecretError extends PermanentError {
  constructor(detail: string) {
    super('DATABASE_SECRET', `migrations.database: ${detail}`);
  }
}
