/**
 * Database migration types shared by workflows, activities and the config.
 * Pure data only: this file is bundled into the workflow sandbox.
 */

/** `command`: the project's own tool in a one-off container; `builtin`: Berth applies NNN_name.up.sql files. */
export type MigrationMode = 'command' | 'builtin';

/**
 * What a deploy carries about its migrations, frozen at request time. The
 * database appears only as a secret reference, resolved inside activities.
 */
export interface MigrationSpec {
  mode: MigrationMode;
  /** `env:NAME` or `file:/path`; its value is the database URL. */
  database: string;
  /** mode `command`: argv run in a one-off container from the new image. */
  command?: string[];
  /** mode `command`: argv that undoes `command`; runs with BERTH_SCHEMA_VERSION_BEFORE set. */
  down?: string[];
  /** mode `builtin`: directory in the image holding NNN_name.up.sql / NNN_name.down.sql. */
  dir?: string;
  /** The variable the one-off container finds the database URL in. */
  databaseUrlEnv: string;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** Limit on the one-off container's run. */
  runTimeoutMs: number;
  /** How long to wait for another migration of the same project to finish. */
  lockWaitMs: number;
  /** `never`: forward-only (expand/contract); a failed deploy leaves the schema where the migration took it. */
  rollback: 'on-failure' | 'never';
  /** Returns one row whose first column is the schema version (text or NULL). */
  versionQuery: string;
  preflight: {
    maxConnectionShare: number;
    longTransactionMs: number;
    refuseOnLongTransaction: boolean;
  };
}

/** Names the preflight checks in findings and in the messages of refused deploys. */
export type PreflightCheck = 'reachable' | 'standby' | 'connections' | 'long-transactions';

export interface PreflightFinding {
  check: PreflightCheck;
  ok: boolean;
  detail: string;
}

/** What preflight saw; a refused check fails the activity instead. Never holds the URL. */
export interface PreflightReport {
  serverVersion: string;
  findings: PreflightFinding[];
}

/** What `migrate` did. Safe for workflow history: no URL, output scrubbed of secrets. */
export interface MigrationResult {
  mode: MigrationMode;
  /** mode `builtin`: the files this deploy applied, like `002_add_color`, in order. */
  applied: string[];
  versionBefore: string | null;
  versionAfter: string | null;
  /** The last lines the migration printed (mode `command`) or Berth's own lines (mode `builtin`). */
  outputTail: string;
  lockWaitedMs: number;
  durationMs: number;
}

/** What `migrateDown` did; `ran: false` when there was nothing left to undo. */
export interface MigrationDownResult {
  ran: boolean;
  /** mode `builtin`: the files whose downs ran, like `003_create_gadgets`, in the order they ran. */
  reverted: string[];
  versionBefore: string | null;
  versionAfter: string | null;
  outputTail: string;
}

/**
 * Pure: the start-to-close limit of `migrate` / `migrateDown`: the lock wait,
 * the run, and room for reading files and recording versions.
 */
export function migrationBudgetMs(spec: MigrationSpec): number {
  return spec.lockWaitMs + spec.runTimeoutMs + 120_000;
}

/** Pure: what a failed deploy with `rollback: never` says about the schema. */
export function schemaStayedForward(result: MigrationResult): string {
  if (result.versionBefore === result.versionAfter) return `the schema is unchanged at version ${result.versionAfter ?? 'none'}`;
  return `rollback: never: the schema stayed forward at version ${result.versionAfter ?? 'none'} (it was ${result.versionBefore ?? 'none'} before this deploy)`;
}
