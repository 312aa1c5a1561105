import { preflightDatabase } from '../db/preflight';
import { withScrubbedErrors } from '../db/redact';
import { MigrationFailedError, SchemaMismatchError } from '../db/errors';
import type { MigrationDownResult, MigrationResult, PreflightReport } from '../model/migration-types';
import { schemaStayedForward } from '../model/migration-types';
import { RetryableError } from '../model/errors';
import { failureTypes } from '../model/failures';
import type { PulledImage } from '../model/types';
import { classify } from './failures';
import { MigrationRun, type MigratingSpec, type MigrationDeps } from './migration-run';
import { builtinDown, builtinUp, commandDown, commandUp, readMigrationFiles, readVersion } from './migration-steps';

export type { MigratingSpec, MigrationDeps } from './migration-run';

/**
 * Runs `fn` with the deploy's migration state. Whatever leaves it has every
 * secret masked; permanent problems leave as non-retryable failures.
 */
function guarded<T>(deps: MigrationDeps, spec: MigratingSpec, fn: (run: MigrationRun) => Promise<T>): Promise<T> {
  return classify(async () => {
    const run = new MigrationRun(deps, spec);
    return withScrubbedErrors(run.secrets, () => fn(run));
  });
}

/**
 * Database migrations of one Docker host (built from its HostDeps). The database URL is resolved here
 * from its secret reference and never leaves: not in results, heartbeats,
 * logs or errors.
 */
export function createMigrationActivities(deps: MigrationDeps) {
  return {
    /**
     * Before any change: the database answers, is a primary, has connections
     * to spare; long transactions holding locks are reported (or refused).
     * A refused check fails non-retryably, naming the check.
     */
    async preflightDatabase(spec: MigratingSpec): Promise<PreflightReport> {
      return guarded(deps, spec, async (run) => {
        const report = await preflightDatabase(run.url, run.migrations.preflight, { applicationName: `berth-preflight ${spec.deploymentId}` });
        for (const finding of report.findings.filter((f) => !f.ok)) run.log.warn({ check: finding.check, detail: finding.detail }, 'database preflight finding');
        run.log.info({ findings: report.findings.length }, 'database preflight passed');
        return report;
      });
    },

    /**
     * Migrates once, under the project's advisory lock: the command in a
     * one-off container from the new image, or the built-in runner on the
     * image's files. Records the schema version before and after. A failed
     * migration reverts itself when rollback is on-failure.
     */
    async migrate(spec: MigratingSpec, image: PulledImage): Promise<MigrationResult> {
      return guarded(deps, spec, async (run) => {
        const startedAt = Date.now();
        const files = run.migrations.mode === 'builtin' ? await readMigrationFiles(run, image) : undefined;
        const lock = await run.lock();
        try {
          // A retry after a crash keeps the version the first attempt found, not the half-migrated one.
          const recovered = run.recoveredVersionBefore();
          const versionBefore = recovered ? recovered.versionBefore : await readVersion(run, lock);
          run.progress.versionBefore = versionBefore;
          run.beat();
          let applied: string[] = [];
          if (files) applied = await builtinUp(run, lock, files);
          else await commandUp(run, lock, image, versionBefore);
          const versionAfter = await readVersion(run, lock);
          run.log.info({ versionBefore, versionAfter, applied, lockWaitedMs: lock.waitedMs }, 'migrated');
          return {
            mode: run.migrations.mode,
            applied,
            versionBefore,
            versionAfter,
            outputTail: run.outputTail(),
            lockWaitedMs: lock.waitedMs,
            durationMs: Date.now() - startedAt,
          };
        } finally {
          await lock.release();
        }
      });
    },

    /**
     * The compensation of a successful `migrate`: the downs of exactly what
     * this deploy applied (built-in) or the down command (command), then a
     * check that the schema is back at `result.versionBefore`. Idempotent:
     * with nothing left to undo it changes nothing. With rollback: never it
     * only says that the schema stays forward.
     */
    async migrateDown(spec: MigratingSpec, image: PulledImage, result: MigrationResult): Promise<MigrationDownResult> {
      return guarded(deps, spec, async (run) => {
        const unchanged: MigrationDownResult = { ran: false, reverted: [], versionBefore: result.versionAfter, versionAfter: result.versionAfter, outputTail: '' };
        if (run.migrations.rollback === 'never') {
          run.log.info(schemaStayedForward(result));
          return unchanged;
        }
        const files = run.migrations.mode === 'builtin' ? await readMigrationFiles(run, image) : undefined;
        const lock = await run.lock();
        try {
          run.progress.phase = 'reverting';
          const versionNow = await readVersion(run, lock);
          let reverted: string[] = [];
          try {
            if (files) reverted = await builtinDown(run, lock, files);
            else if (versionNow !== result.versionBefore) await commandDown(run, lock, image, result.versionBefore);
          } catch (error) {
            // A down that met a lock may pass on the next attempt; let Temporal retry it, bounded.
            if (error instanceof MigrationFailedError || error instanceof RetryableError) {
              throw new RetryableError(failureTypes.migrationDownFailed, error.message, error.details && { ...error.details, kind: 'migration-down', step: 'compensation' });
            }
            throw error;
          }
          const versionAfter = await readVersion(run, lock);
          if (versionAfter !== result.versionBefore) throw new SchemaMismatchError(result.versionBefore, versionAfter);
          const ran = reverted.length > 0 || versionNow !== versionAfter;
          run.log.info({ versionBefore: versionNow, versionAfter, reverted, ran }, ran ? 'migration reverted' : 'nothing left to revert');
          return { ran, reverted, versionBefore: versionNow, versionAfter, outputTail: run.outputTail() };
        } finally {
          await lock.release();
        }
      });
    },
  };
}

