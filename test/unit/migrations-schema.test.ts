import { formatIssues } from '../../src/config/load-config';
import { defaultVersionQuery, migrationsSchema } from '../../src/config/migrations-schema';
import { migrationSpecFrom } from '../../src/config/migration-spec';
import { migrationBudgetMs, schemaStayedForward } from '../../src/model/migration-types';

function issuesOf(raw: unknown): string[] {
  const result = migrationsSchema.safeParse(raw);
  if (result.success) throw new Error('expected invalid migrations config');
  return formatIssues(result.error);
}

describe('migrationsSchema', () => {
  it('applies the defaults, durations in milliseconds', () => {
    expect(migrationsSchema.parse({ database: 'env:WEB_DATABASE_URL', command: ['/app/migrate', 'up'], down: ['/app/migrate', 'down'] })).toEqual({
      database: 'env:WEB_DATABASE_URL',
      command: ['/app/migrate', 'up'],
      down: ['/app/migrate', 'down'],
      databaseUrlEnv: 'DATABASE_URL',
      lockTimeout: 5_000,
      statementTimeout: 60_000,
      timeout: 600_000,
      lockWait: 30_000,
      rollback: 'on-failure',
      versionQuery: defaultVersionQuery,
      preflight: { maxConnectionShare: 0.9, longTransaction: 300_000, refuseOnLongTransaction: false },
    });
  });

  it('takes the issue example as written', () => {
    const parsed = migrationsSchema.parse({
      database: 'env:WEB_DATABASE_URL',
      command: ['/app/migrate', 'up'],
      down: ['/app/migrate', 'down'],
      lockTimeout: '5s',
      statementTimeout: '60s',
      rollback: 'on-failure',
    });
    expect(migrationSpecFrom(parsed)).toEqual({
      mode: 'command',
      database: 'env:WEB_DATABASE_URL',
      command: ['/app/migrate', 'up'],
      down: ['/app/migrate', 'down'],
      databaseUrlEnv: 'DATABASE_URL',
      lockTimeoutMs: 5_000,
      statementTimeoutMs: 60_000,
      runTimeoutMs: 600_000,
      lockWaitMs: 30_000,
      rollback: 'on-failure',
      versionQuery: defaultVersionQuery,
      preflight: { maxConnectionShare: 0.9, longTransactionMs: 300_000, refuseOnLongTransaction: false },
    });
  });

  it('builds a built-in runner spec from dir, with every setting given', () => {
    const parsed = migrationsSchema.parse({
      database: 'file:/run/secrets/db-url',
      dir: '/app/migrations',
      databaseUrlEnv: 'PG_URL',
      lockTimeout: '2s',
      statementTimeout: '1m',
      timeout: '5m',
      lockWait: '10s',
      rollback: 'never',
      versionQuery: 'SELECT max(version) FROM berth_schema_migrations',
      preflight: { maxConnectionShare: 0.5, longTransaction: '30s', refuseOnLongTransaction: true },
    });
    expect(migrationSpecFrom(parsed)).toEqual({
      mode: 'builtin',
      database: 'file:/run/secrets/db-url',
      dir: '/app/migrations',
      databaseUrlEnv: 'PG_URL',
      lockTimeoutMs: 2_000,
      statementTimeoutMs: 60_000,
      runTimeoutMs: 300_000,
      lockWaitMs: 10_000,
      rollback: 'never',
      versionQuery: 'SELECT max(version) FROM berth_schema_migrations',
      preflight: { maxConnectionShare: 0.5, longTransactionMs: 30_000, refuseOnLongTransaction: true },
    });
    expect(migrationBudgetMs(migrationSpecFrom(parsed))).toBe(10_000 + 300_000 + 120_000);
  });

  it('names the path of every problem', () => {
    expect(
      issuesOf({
        database: 'postgres://app:hunter2@db/app',
        command: [],
        lockTimeout: '0s',
        statementTimeout: 'soon',
        databaseUrlEnv: 'DATABASE-URL',
        rollback: 'sometimes',
        preflight: { maxConnectionShare: 1.5, extra: true },
      }),
    ).toEqual([
      'database: should be a secret reference: env:NAME or file:/path',
      'command: should name a program and its arguments, like ["/app/migrate", "up"]',
      'databaseUrlEnv: should be an environment variable name',
      'lockTimeout: should be more than 0: a lock timeout of 0 never times out',
      'statementTimeout: "soon" is not a duration like 200ms, 2s, 5m or 1h',
      'rollback: Invalid option: expected one of "on-failure"|"never"',
      'preflight/maxConnectionShare: should be a share between 0 and 1, like 0.9',
      'preflight: Unrecognized key: "extra"',
    ]);
  });

  it('wants exactly one of command and dir, and a down for rollback: on-failure', () => {
    expect(issuesOf({ database: 'env:DB' })).toEqual(['should set exactly one of command (your migration tool) or dir (Berth applies NNN_name.up.sql files)']);
    expect(issuesOf({ database: 'env:DB', dir: '/app/migrations', command: ['/app/migrate'], down: ['/app/migrate', 'down'] })).toEqual([
      'should set exactly one of command (your migration tool) or dir (Berth applies NNN_name.up.sql files)',
      'down: is for command only; with dir, the downs are the NNN_name.down.sql files',
    ]);
    expect(issuesOf({ database: 'env:DB', command: ['/app/migrate', 'up'] })).toEqual(['down: rollback: on-failure needs a down command; add one or set rollback: never']);
    expect(migrationsSchema.parse({ database: 'env:DB', command: ['/app/migrate', 'up'], rollback: 'never' }).down).toBeUndefined();
    expect(issuesOf({ database: 'env:DB', dir: 'migrations' })).toEqual(['dir: should be an absolute path inside the image, like /app/migrations']);
  });
});

describe('schemaStayedForward', () => {
  const result = { mode: 'command' as const, applied: [], outputTail: '', lockWaitedMs: 0, durationMs: 10 };

  it('says plainly where the schema stayed', () => {
    expect(schemaStayedForward({ ...result, versionBefore: '1', versionAfter: '2' })).toBe(
      'rollback: never: the schema stayed forward at version 2 (it was 1 before this deploy)',
    );
    expect(schemaStayedForward({ ...result, versionBefore: null, versionAfter: '1' })).toBe(
      'rollback: never: the schema stayed forward at version 1 (it was none before this deploy)',
    );
    expect(schemaStayedForward({ ...result, versionBefore: '2', versionAfter: '2' })).toBe('the schema is unchanged at version 2');
  });
});
