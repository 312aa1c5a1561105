import { Context } from '@temporalio/activity';
import type { MigrationLock } from '../db/advisory-lock';
import { applyMigrations, ensureMigrationsTable, readApplied, revertDeployment, type RunnerOptions } from '../db/builtin-runner';
import { MigrationFailedError, SchemaMismatchError } from '../db/errors';
import { parseMigrationFiles, planMigrations, type MigrationFile } from '../db/migration-files';
import { readSchemaVersion } from '../db/schema-version';
import type { OneOffResult } from '../docker/one-off';
import { containerName } from '../docker/labels';
import { RetryableError } from '../model/errors';
import { detailsWith, failureTypes } from '../model/failures';
import type { PulledImage } from '../model/types';
import type { MigrationRun } from './migration-run';

/** Moving forward stops on cancel; putting the schema back does not, or a cancel could strand it half-way. */
function runnerOptions(run: MigrationRun, cancellable = false): RunnerOptions {
  return {
    deploymentId: run.spec.deploymentId,
    lockTimeoutMs: run.migrations.lockTimeoutMs,
    statementTimeoutMs: run.migrations.statementTimeoutMs,
    onLine: (line) => run.emit(line),
    ...(cancellable && { signal: Context.current().cancellationSignal }),
  };
}

function cancelled(): boolean {
  return Context.current().cancellationSignal.aborted;
}

/** What the activity throws once it has put things straight after a cancel: the SDK reports it as cancelled. */
function cancellation(): unknown {
  return Context.current().cancellationSignal.reason;
}

export function readVersion(run: MigrationRun, lock: MigrationLock): Promise<string | null> {
  return readSchemaVersion(lock.client, run.migrations.versionQuery);
}

/** The built-in runner's files, read from the new image before any lock is taken: a bad set fails without touching the database. */
export async function readMigrationFiles(run: MigrationRun, image: PulledImage): Promise<MigrationFile[]> {
  const files = await run.deps.oneOffs.readImageDir(
    {
      image: image.pinnedRef,
      dir: run.migrations.dir!,
      name: `${containerName(run.spec.deploymentId)}-migration-files`,
      labels: run.containerLabels('migration-files'),
    },
    run.log,
  );
  return parseMigrationFiles(files);
}

/** The names of the migrations this deploy applied, by any attempt, in order. */
async function appliedByThisDeploy(run: MigrationRun, lock: MigrationLock): Promise<string[]> {
  return (await readApplied(lock.client)).filter((row) => row.deploymentId === run.spec.deploymentId).map((row) => row.name);
}

/**
 * Applies the pending files. When one fails and rollback is on-failure, the
 * ones this deploy applied before it are reverted here, so a failed migrate
 * leaves the schema as it found it; the workflow has nothing to compensate.
 */
export async function builtinUp(run: MigrationRun, lock: MigrationLock, files: MigrationFile[]): Promise<string[]> {
  const options = runnerOptions(run, true);
  const pending = planMigrations(files, await readApplied(lock.client), { requireDowns: run.migrations.rollback === 'on-failure' });
  if (pending.length === 0) run.emit('no pending migrations');
  await ensureMigrationsTable(lock.client, options);
  try {
    await applyMigrations(lock.client, pending, options);
  } catch (error) {
    if (cancelled()) {
      if (run.migrations.rollback === 'on-failure') await revertDeployment(lock.client, files, runnerOptions(run));
      throw cancellation();
    }
    if (!(error instanceof MigrationFailedError)) throw error;
    if (run.migrations.rollback === 'never') {
      const kept = await appliedByThisDeploy(run, lock);
      throw new MigrationFailedError(`${error.message}; rollback: never: ${kept.length > 0 ? `${kept.join(', ')} stay applied` : 'nothing else was applied'}`, run.outputTail());
    }
    const reverted = await revertDeployment(lock.client, files, runnerOptions(run));
    const note = reverted.length > 0 ? `reverted what this deploy applied before it (${reverted.join(', ')})` : 'nothing else had been applied';
    throw new MigrationFailedError(`${error.message}; ${note}`, run.outputTail());
  }
  return appliedByThisDeploy(run, lock);
}

/** Runs the downs of exactly what this deploy applied; returns their names. */
export function builtinDown(run: MigrationRun, lock: MigrationLock, files: MigrationFile[]): Promise<string[]> {
  return revertDeployment(lock.client, files, runnerOptions(run));
}

function oneOff(run: MigrationRun, image: PulledImage, role: 'up' | 'down', command: string[], env: Record<string, string>): Promise<OneOffResult> {
  // Only the forward run stops on cancel; a down always runs to its end.
  const signal = role === 'up' ? Context.current().cancellationSignal : undefined;
  return run.deps.oneOffs.run(
    {
      name: `${containerName(run.spec.deploymentId)}-migrate${role === 'down' ? '-down' : ''}`,
      image: image.pinnedRef,
      command,
      env,
      network: run.spec.network,
      labels: run.containerLabels('migration'),
    },
    { timeoutMs: run.migrations.runTimeoutMs, onLine: run.emit, redact: run.scrub, signal },
    run.log,
  );
}

function exitProblem(what: string, result: OneOffResult, timeoutMs: number): string {
  return result.timedOut ? `the ${what} did not finish within ${timeoutMs} ms and was killed` : `the ${what} exited with code ${result.exitCode}`;
}

/**
 * Runs the down command with BERTH_SCHEMA_VERSION_BEFORE set, then checks the
 * schema is back at that version. A failing down is retryable (it may have
 * met a lock); a down that succeeds at the wrong version is not.
 */
export async function commandDown(run: MigrationRun, lock: MigrationLock, image: PulledImage, versionBefore: string | null): Promise<void> {
  run.progress.phase = 'reverting';
  const result = await oneOff(run, image, 'down', run.migrations.down!, run.containerEnv({ BERTH_SCHEMA_VERSION_BEFORE: versionBefore ?? '' }));
  if (result.exitCode !== 0) {
    // Retryable: a down that met a lock may pass on the next attempt.
    throw new RetryableError(failureTypes.migrationDownFailed, exitProblem('down command', result, run.migrations.runTimeoutMs), detailsWith('migration-down', 'migrate', { outputTail: result.tail.join('\n') }));
  }
  const versionNow = await readVersion(run, lock);
  if (versionNow !== versionBefore) throw new SchemaMismatchError(versionBefore, versionNow);
}

/**
 * Where a failed or cancelled forward run left the schema; when it moved and
 * rollback is on-failure, the down runs first, so the schema is back where
 * the migration found it.
 */
async function settle(run: MigrationRun, lock: MigrationLock, image: PulledImage, versionBefore: string | null): Promise<string> {
  const versionNow = await readVersion(run, lock);
  if (versionNow === versionBefore) return `the schema is unchanged at version ${versionBefore ?? 'none'}`;
  if (run.migrations.rollback === 'never' || !run.migrations.down) {
    return `rollback: never: the schema stayed at version ${versionNow ?? 'none'} (it was ${versionBefore ?? 'none'})`;
  }
  await commandDown(run, lock, image, versionBefore);
  return `it had moved the schema to version ${versionNow ?? 'none'}; the down command brought it back to ${versionBefore ?? 'none'}`;
}

/**
 * Runs the migration command once. A failure or a cancel that left the
 * schema moved is settled (see settle) before the activity fails.
 */
export async function commandUp(run: MigrationRun, lock: MigrationLock, image: PulledImage, versionBefore: string | null): Promise<void> {
  const result = await oneOff(run, image, 'up', run.migrations.command!, run.containerEnv());
  if (result.exitCode === 0) return;
  const outcome = await settle(run, lock, image, versionBefore);
  if (result.cancelled) {
    run.emit(`cancelled while the migration command ran; ${outcome}`);
    throw cancellation();
  }
  throw new MigrationFailedError(`${exitProblem('migration command', result, run.migrations.runTimeoutMs)}; ${outcome}`, result.tail.join('\n'));
}
