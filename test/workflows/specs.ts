import type { MigrationSpec } from '../../src/model/migration-types';
import type { OwnerSettings } from '../../src/model/owner-types';
import type { DeploySpec, RollbackSpec } from '../../src/model/types';

/** A deploy as the API would freeze it, with production-sized durations: the test server skips them. */
export function deploySpec(overrides: Partial<DeploySpec> = {}): DeploySpec {
  return {
    deploymentId: 'web-staging-d1',
    project: 'web',
    environment: 'staging',
    image: '127.0.0.1:5000/web:v2',
    commit: 'abc1234',
    requestedBy: 'ci',
    approval: 'none',
    approvalTimeoutMs: 24 * 3600_000,
    apiUrl: 'http://127.0.0.1:8080',
    host: 'local',
    hostname: 'web.staging.localhost',
    network: 'host',
    portRange: { from: 21000, to: 21999 },
    health: { path: '/health', intervalMs: 500, timeoutMs: 1000, retries: 3, startPeriodMs: 0, monitorMs: 60_000, monitorFailures: 3 },
    keep: 3,
    drainMs: 30_000,
    stopTimeoutMs: 10_000,
    env: {},
    secretEnv: {},
    ...overrides,
  };
}

export function rollbackSpec(overrides: Partial<RollbackSpec> = {}): RollbackSpec {
  return { ...deploySpec({ deploymentId: 'web-staging-rb1', image: `127.0.0.1:5000/web@sha256:${'b'.repeat(64)}` }), targetRelease: 'r-old', ...overrides };
}

export const migrations: MigrationSpec = {
  mode: 'builtin',
  database: 'env:DATABASE_URL',
  dir: '/migrations',
  databaseUrlEnv: 'DATABASE_URL',
  lockTimeoutMs: 5000,
  statementTimeoutMs: 60_000,
  runTimeoutMs: 300_000,
  lockWaitMs: 60_000,
  rollback: 'on-failure',
  versionQuery: 'select version from schema_version',
  preflight: { maxConnectionShare: 0.8, longTransactionMs: 60_000, refuseOnLongTransaction: false },
};

export function ownerSettings(overrides: Partial<OwnerSettings> = {}): OwnerSettings {
  return {
    project: 'web',
    environment: 'staging',
    reconcileIntervalMs: 60_000,
    maxHeals: 3,
    healWindowMs: 3600_000,
    idempotencyWindowMs: 24 * 3600_000,
    continueAsNewAfter: 50,
    historySize: 20,
    ...overrides,
  };
}
