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
    historySize: config.owner.historySize,
  };
}
