import type { MigrationSpec } from '../model/migration-types';
import type { MigrationsConfig } from './migrations-schema';

/** Pure: the deploy's copy of a project's validated `migrations` block. */
export function migrationSpecFrom(config: MigrationsConfig): MigrationSpec {
  return {
    mode: config.dir !== undefined ? 'builtin' : 'command',
    database: config.database,
    ...(config.command !== undefined && { command: [...config.command] }),
    ...(config.down !== undefined && { down: [...config.down] }),
    ...(config.dir !== undefined && { dir: config.dir }),
    databaseUrlEnv: config.databaseUrlEnv,
    lockTimeoutMs: config.lockTimeout,
    statementTimeoutMs: config.statementTimeout,
    runTimeoutMs: config.timeout,
    lockWaitMs: config.lockWait,
    rollback: config.rollback,
    versionQuery: config.versionQuery,
    preflight: {
      maxConnectionShare: config.preflight.maxConnectionShare,
      longTransactionMs: config.preflight.longTransaction,
      refuseOnLongTransaction: config.preflight.refuseOnLongTransaction,
    },
  };
}
