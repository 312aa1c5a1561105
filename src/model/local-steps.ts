/**
 * Host activities short enough to run as local activities in the workflow
 * worker (no task queue round trip, no extra workflow task), when that worker's
 * process also serves the step's host. Each takes the deploy spec (with its
 * `host`) as its first argument. The owner's reconcile pass is one too: an
 * idle environment's periodic cost is then a timer and one workflow task.
 */
export const localHostSteps = ['readRoute', 'describeCurrent', 'startCandidate', 'startRetained', 'promoteCandidate', 'switchRoute', 'pointDefaultRoute', 'reconcileEnvironment'] as const;

export type LocalHostStep = (typeof localHostSteps)[number];

/** The failure type of a local step whose host this workflow worker does not serve; the workflow then schedules it on the host's queue. */
export const hostNotLocalType = 'HostNotLocal';

export function isLocalHostStep(name: string): name is LocalHostStep {
  return (localHostSteps as readonly string[]).includes(name);
}
