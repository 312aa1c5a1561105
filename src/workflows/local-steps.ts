import { ActivityCancellationType, ApplicationFailure, CancellationScope, isCancellation, log, patched, proxyLocalActivities, type LocalActivityOptions } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import { hostNotLocalType, isLocalHostStep } from '../model/local-steps';

type AnyActivity = (...args: unknown[]) => Promise<unknown>;
type Group = (summary?: string) => HostActivities;

/**
 * Quick steps are short: a transient failure (the daemon or the proxy briefly
 * away) is retried locally within seconds; what outlasts that fails the step.
 */
export const localStepOptions: LocalActivityOptions = {
  startToCloseTimeout: '1m',
  scheduleToCloseTimeout: '3m',
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  // A workflow worker without Berth's local steps registered (NotFoundError) is no place to retry them.
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: ['NotFoundError'] },
};

/**
 * Runs the quick host steps (reading the route, starting the candidate,
 * the switch, ...) as local activities in the workflow worker, which saves a
 * task queue round trip and a workflow task for each. A workflow worker that
 * does not serve the deploy's host answers `HostNotLocal` (one that does not
 * know the step at all, `NotFoundError`); from then on this deploy schedules
 * its steps on the host's queue as before.
 */
export class LocalSteps {
  // Deploys started before local steps replay their steps as regular activities.
  readonly enabled = patched('local-quick-steps');
  private hostElsewhere = false;

  wrap(regular: Group): Group {
    if (!this.enabled) return regular;
    return (summary) =>
      new Proxy({} as HostActivities, {
        get: (_target, name) => (name === 'then' ? undefined : (...args: unknown[]) => this.call(String(name), args, summary, regular)),
      });
  }

  private async call(name: string, args: unknown[], summary: string | undefined, regular: Group): Promise<unknown> {
    if (!this.hostElsewhere && isLocalHostStep(name)) {
      const local = proxyLocalActivities<Record<string, AnyActivity>>(summary ? { ...localStepOptions, summary } : localStepOptions)[name];
      try {
        return await runLocal(name, () => local(...args));
      } catch (error) {
        if (!hostNotLocal(error)) throw error;
        this.hostElsewhere = true;
      }
    }
    return (regular(summary) as unknown as Record<string, AnyActivity>)[name](...args);
  }
}

/** How often a local activity that ended cancelled unasked is run again before the cancel stands. */
const unaskedCancelReruns = 3;

/**
 * Runs a local activity again when it ends cancelled though this workflow did
 * not cancel it. The SDK's core cancels a run's local activities when it evicts
 * the run from a full workflow cache, and one that was backing off before a
 * retry is resolved as cancelled in the evicted run at once. Taken at its word,
 * that ended a deploy under 50 concurrent deploys as "cancelled during switch",
 * though nobody had cancelled it. Running again is safe: the quick steps are
 * idempotent, and the evicted run's commands are dropped before replay anyway.
 */
export async function runLocal<T>(name: string, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const unasked = isCancellation(error) && !CancellationScope.current().consideredCancelled;
      // Runs from before this rule let the cancel stand.
      if (!unasked || attempt > unaskedCancelReruns || !patched('local-unasked-cancel-rerun')) throw error;
      log.warn('local activity ended cancelled though the workflow did not cancel it; running it again', { activity: name, attempt });
    }
  }
}

/** Local activities fail with the step's failure itself, or wrapped in an ActivityFailure: either names the type. */
export function hostNotLocal(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if (cause instanceof ApplicationFailure && (cause.type === hostNotLocalType || cause.type === 'NotFoundError')) return true;
  }
  return false;
}
