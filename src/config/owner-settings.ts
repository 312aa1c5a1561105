import type { OwnerSettings } from '../model/owner-types';
import type { BerthConfig } from './schema';

/** Pure: what the owner of one environment needs from the config. */
export function ownerSettings(config: BerthConfig, project: string, environment: string): OwnerSettings {
  const env = config.projects[project].environments[environment];
  return {
    project,
    environment,
    reconcileIntervalMs: env.reconcile.interval,
    maxHeals: env.reconcile.maxHeals,
    healWindowMs: env.reconcile.healWindow,
    idempotencyWindowMs: env.idempotencyWindow,
    continueAsNewAfter: config.owner.continueAsNewAfter,
    continueAsNewAfterPasses: config.owner.continueAsNewAfterPasses,
    historySize: config.owner.historySize,
    ...(env.autoDeploy?.poll !== undefined && { pollIntervalMs: env.autoDeploy.poll }),
  };
}

/** Pure: the owners of every environment with `autoDeploy.poll`, which must run even before their first deploy. */
export function pollingOwners(config: BerthConfig): OwnerSettings[] {
  return Object.entries(config.projects).flatMap(([project, { environments }]) =>
    Object.entries(environments)
      .filter(([, environment]) => environment.autoDeploy?.poll !== undefined)
      .map(([environment]) => ownerSettings(config, project, environment)),
  );
}
