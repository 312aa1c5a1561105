/** What the DORA figures need of one finished deploy or rollback of one environment. */
export interface FinishedDeploy {
  kind: string;
  status: string;
  finishedAt: string;
  /** When the deployed commit was made; absent when the request did not say. */
  commitTime?: string;
}

/** The four DORA figures for one environment over one window; undefined where there is nothing to measure. */
export interface DoraFigures {
  /** Successful deploys (not rollbacks) per day. */
  deploysPerDay: number;
  /** Median seconds from commit to its successful deploy. */
  leadTimeSeconds?: number;
  /** (failed + rolled_back) / (succeeded + failed + rolled_back), deploys only. */
  changeFailureRate?: number;
  /** Median seconds from a failed or rolled-back deploy to the next success (deploy or rollback). */
  timeToRestoreSeconds?: number;
  /** How many samples each median stands on. */
  leadTimeSamples: number;
  restoreSamples: number;
}

const dayMs = 86_400_000;
const broke = new Set(['failed', 'rolled_back']);

export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * DORA figures from the deploys of one environment that finished within
 * `windowMs` before `now`. Rejected, expired, cancelled and superseded deploys
 * changed nothing, so they count towards none of the rates. An outage runs
 * from the first failure after a success to the next success, whatever came
 * between.
 */
export function doraFigures(deploys: FinishedDeploy[], now: Date, windowMs: number): DoraFigures {
  const since = now.getTime() - windowMs;
  const inWindow = deploys
    .map((deploy) => ({ ...deploy, at: Date.parse(deploy.finishedAt) }))
    .filter((deploy) => Number.isFinite(deploy.at) && deploy.at > since && deploy.at <= now.getTime())
    .sort((a, b) => a.at - b.at);
  const changes = inWindow.filter((deploy) => deploy.kind === 'deploy');
  const succeeded = changes.filter((deploy) => deploy.status === 'succeeded');
  const failed = changes.filter((deploy) => broke.has(deploy.status));

  const leadTimes = succeeded
    .filter((deploy) => deploy.commitTime !== undefined && Number.isFinite(Date.parse(deploy.commitTime)))
    .map((deploy) => (deploy.at - Date.parse(deploy.commitTime!)) / 1000)
    .filter((seconds) => seconds >= 0);

  const restores: number[] = [];
  let brokenSince: number | undefined;
  for (const deploy of inWindow) {
    if (broke.has(deploy.status)) brokenSince ??= deploy.at;
    else if (deploy.status === 'succeeded' && brokenSince !== undefined) {
      restores.push((deploy.at - brokenSince) / 1000);
      brokenSince = undefined;
    }
  }

  const finished = succeeded.length + failed.length;
  return {
    deploysPerDay: succeeded.length / (windowMs / dayMs),
    leadTimeSeconds: median(leadTimes),
    changeFailureRate: finished > 0 ? failed.length / finished : undefined,
    timeToRestoreSeconds: median(restores),
    leadTimeSamples: leadTimes.length,
    restoreSamples: restores.length,
  };
}
