import { Context } from '@temporalio/activity';
import { resolveSecret, SecretError } from '../config/secrets';
import { pgOptions } from '../db/connect';
import { acquireMigrationLock, type MigrationLock } from '../db/advisory-lock';
import { DatabaseSecretError } from '../db/errors';
import { scrub, secretsOfUrl } from '../db/redact';
import { labels } from '../docker/labels';
import { PermanentError } from '../model/errors';
import type { Logger } from '../logger';
import type { MigrationSpec } from '../model/migration-types';
import type { DeploySpec } from '../model/types';
import type { HostDeps } from './host-deps';
import { deploySecrets } from './scrubber';
import { containerEnv } from './secret-env';

/** What migrations need of a host's dependencies; a HostDeps is one. */
export type MigrationDeps = Pick<HostDeps, 'oneOffs' | 'env' | 'log'>;

/** DeploySpec as it will be once it carries `migrations`; identical to DeploySpec from then on. */
export type MigratingSpec = DeploySpec & { migrations?: MigrationSpec };

/** What an activity heartbeats; `versionBefore` survives into a retry's heartbeatDetails. */
export interface MigrationProgress {
  phase: 'waiting-for-lock' | 'migrating' | 'reverting';
  versionBefore?: string | null;
  holder?: string;
  line?: string;
}

// Cancellation reaches an activity with a heartbeat answer; a silent migration still hears it within seconds.
const heartbeatEveryMs = 2_000;
const tailLines = 50;

/**
 * One migration activity's working state: the resolved URL (never logged,
 * never returned), every secret value to mask, the output tail, heartbeats.
 */
export class MigrationRun {
  readonly migrations: MigrationSpec;
  readonly url: string;
  readonly secrets: string[];
  readonly log: Logger;
  readonly progress: MigrationProgress = { phase: 'migrating' };
  private readonly lines: string[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    readonly deps: MigrationDeps,
    readonly spec: MigratingSpec,
  ) {
    if (!spec.migrations) throw new PermanentError('NO_MIGRATIONS', `deployment ${spec.deploymentId} has no migrations to run`);
    this.migrations = spec.migrations;
    this.url = resolve(spec.migrations.database, deps.env, (message) => new DatabaseSecretError(message));
    // Migration output can print the app's other secrets too (a config dump); mask the deploy's every one.
    this.secrets = [...secretsOfUrl(this.url), ...deploySecrets(deps.env, {}, spec)];
    this.log = deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });
  }

  readonly scrub = (text: string): string => scrub(text, this.secrets);

  /** A line of migration output: masked, kept for the tail, logged and heartbeated. */
  readonly emit = (raw: string, stream: 'stdout' | 'stderr' | 'berth' = 'berth'): void => {
    const line = this.scrub(raw);
    this.lines.push(line);
    if (this.lines.length > tailLines) this.lines.shift();
    this.log.info({ stream, line }, 'migration output');
    this.beat({ line });
  };

  outputTail(): string {
    return this.lines.join('\n');
  }

  beat(extra: Partial<MigrationProgress> = {}): void {
    Context.current().heartbeat({ ...this.progress, ...extra });
  }

  /** The version recorded by an earlier attempt of this activity, if one got that far. */
  recoveredVersionBefore(): { versionBefore: string | null } | undefined {
    const details = Context.current().info.heartbeatDetails as MigrationProgress | undefined;
    return details && Object.hasOwn(details, 'versionBefore') ? { versionBefore: details.versionBefore ?? null } : undefined;
  }

  /** Takes the project's lock, heartbeating who holds it while waiting, then heartbeats on a timer until release. */
  async lock(): Promise<MigrationLock> {
    this.progress.phase = 'waiting-for-lock';
    const lock = await acquireMigrationLock(this.url, this.spec.project, {
      applicationName: `berth-migrate ${this.spec.deploymentId}`,
      lockTimeoutMs: this.migrations.lockTimeoutMs,
      waitMs: this.migrations.lockWaitMs,
      onWait: (holder) => this.beat({ holder }),
      signal: Context.current().cancellationSignal,
    });
    if (lock.waitedMs > 1_000) this.emit(`waited ${lock.waitedMs} ms for another migration of ${this.spec.project}`);
    this.progress.phase = 'migrating';
    this.timer = setInterval(() => this.beat(), heartbeatEveryMs);
    const release = lock.release;
    return {
      ...lock,
      release: async () => {
        clearInterval(this.timer);
        await release();
        const lost = lock.session.lostWith();
        if (lost) this.log.warn({ error: this.scrub(lost.message) }, 'the migration lock session broke while it was held');
      },
    };
  }

  /**
   * The one-off container's environment: the project's env and secrets (as
   * its releases get them), the database URL under its configured name, the
   * timeouts as PGOPTIONS, and what the deploy is.
   */
  containerEnv(extra: Record<string, string> = {}): Record<string, string> {
    // The scrubber already masks these values: `secrets` came from the same resolution.
    return {
      ...containerEnv(this.spec, this.deps.env),
      [this.migrations.databaseUrlEnv]: this.url,
      PGOPTIONS: pgOptions(this.migrations),
      BERTH_DEPLOYMENT_ID: this.spec.deploymentId,
      BERTH_PROJECT: this.spec.project,
      BERTH_ENVIRONMENT: this.spec.environment,
      ...extra,
    };
  }

  /** Labels of the containers a migration uses; not `berth.managed`, so they are never taken for releases. */
  containerLabels(role: 'migration' | 'migration-files'): Record<string, string> {
    return {
      [labels.oneOff]: role,
      [labels.project]: this.spec.project,
      [labels.environment]: this.spec.environment,
      [labels.deployment]: this.spec.deploymentId,
    };
  }
}

/** A reference that cannot be resolved here will not resolve on a retry either. */
function resolve(ref: string, env: NodeJS.ProcessEnv, permanent: (message: string) => Error): string {
  try {
    return resolveSecret(ref, env);
  } catch (error) {
    if (error instanceof SecretError) throw permanent(error.message);
    throw error;
  }
}
