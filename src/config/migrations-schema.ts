import { z } from 'zod';
import { duration, envName, secretRef } from './fields';

/**
 * The schema version when none is configured: the highest version in Berth's
 * own table, else in a `schema_migrations` table (golang-migrate, dbmate,
 * Rails, the fixture app), else NULL. query_to_xml runs the inner query only
 * in the CASE branch whose table exists, so one statement works for either.
 */
export const defaultVersionQuery = [
  'SELECT CASE',
  "  WHEN to_regclass('berth_schema_migrations') IS NOT NULL",
  "    THEN (xpath('/row/v/text()', query_to_xml('SELECT max(version) AS v FROM berth_schema_migrations', false, true, '')))[1]::text",
  "  WHEN to_regclass('schema_migrations') IS NOT NULL",
  "    THEN (xpath('/row/v/text()', query_to_xml('SELECT max(version) AS v FROM schema_migrations', false, true, '')))[1]::text",
  'END AS version',
].join('\n');

const program = z.array(z.string().min(1)).min(1, 'should name a program and its arguments, like ["/app/migrate", "up"]');

/** A PostgreSQL timeout of 0 means "no limit", which is the opposite of what was asked for. */
const positiveDuration = (what: string) => duration.refine((ms) => ms > 0, `should be more than 0: a ${what} of 0 never times out`);

export const preflightSchema = z.strictObject({
  /** Refuse when connections in use reach this share of max_connections. */
  maxConnectionShare: z.number().gt(0, 'should be a share between 0 and 1, like 0.9').max(1, 'should be a share between 0 and 1, like 0.9').default(0.9),
  /** A transaction open longer than this and holding locks is reported. */
  longTransaction: positiveDuration('long-transaction threshold').default(300_000),
  refuseOnLongTransaction: z.boolean().default(false),
});

/**
 * `projects.<name>.migrations`: how a project's database schema moves with a
 * deploy. Either `command` (the project's own migration tool, run once in a
 * one-off container from the new image) or `dir` (Berth applies the
 * NNN_name.up.sql files it finds there in the new image).
 */
export const migrationsFields = z.strictObject({
  database: secretRef,
  command: program.optional(),
  down: program.optional(),
  dir: z.string().regex(/^\/[^\s]*$/, 'should be an absolute path inside the image, like /app/migrations').optional(),
  databaseUrlEnv: envName.default('DATABASE_URL'),
  lockTimeout: positiveDuration('lock timeout').default(5_000),
  statementTimeout: positiveDuration('statement timeout').default(60_000),
  /** How long the one-off migration container may run. */
  timeout: positiveDuration('migration timeout').default(600_000),
  /** How long a deploy waits for another deploy's migration of the same project. */
  lockWait: duration.default(30_000),
  rollback: z.enum(['on-failure', 'never']).default('on-failure'),
  versionQuery: z.string().min(1).default(defaultVersionQuery),
  preflight: preflightSchema.prefault({}),
});

/** The fields with their cross-field rules; an environment's override is checked field by field, the merged block as a whole. */
export const migrationsSchema = migrationsFields.superRefine((migrations, ctx) => {
  if ((migrations.command === undefined) === (migrations.dir === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'should set exactly one of command (your migration tool) or dir (Berth applies NNN_name.up.sql files)' });
  }
  if (migrations.dir !== undefined && migrations.down !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['down'], message: 'is for command only; with dir, the downs are the NNN_name.down.sql files' });
  }
  if (migrations.command !== undefined && migrations.down === undefined && migrations.rollback === 'on-failure') {
    ctx.addIssue({ code: 'custom', path: ['down'], message: 'rollback: on-failure needs a down command; add one or set rollback: never' });
  }
});

/** The validated `migrations` block, durations in milliseconds. */
export type MigrationsConfig = z.output<typeof migrationsSchema>;
