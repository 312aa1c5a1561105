import { condition, log, patched, proxyActivities, uuid4 } from '@temporalio/workflow';
import type { RegistryActivities } from '../activities';
import type { OwnerState } from '../model/owner-types';
import { enqueue } from './environment-state';
import { choosePolled, msUntilPoll, nextPollAt } from './poll-schedule';

/** A registry that does not answer within a few tries waits for the next interval; the poll never fails its owner. */
const { checkRegistry } = proxyActivities<RegistryActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 3 },
});

/** The owner's registry poll, running beside its loop. */
export interface RegistryPoll {
  /** True while a check is out: the owner does not continue as new then, so the check is neither lost nor repeated. */
  checking(): boolean;
}

/**
 * Starts the poll once the environment asks for one (`autoDeploy.poll`).
 * Owners that ran before the poller existed replay without it (the patch
 * marker is absent from their history) and start it at their next new step.
 */
export function startRegistryPoll(owner: OwnerState): RegistryPoll | undefined {
  if (owner.settings.pollIntervalMs === undefined || !patched('registry-poll')) return undefined;
  const state = { checking: false };
  pollLoop(owner, state).catch((error) => log.warn('registry poll stopped', { error: String(error) }));
  return { checking: () => state.checking };
}

/** The schedule lives in the owner's state (`nextPollAt`), so a worker restart or continue-as-new keeps it. */
async function pollLoop(owner: OwnerState, state: { checking: boolean }): Promise<void> {
  for (;;) {
    const interval = owner.settings.pollIntervalMs;
    const wait = msUntilPoll(owner, Date.now());
    if (interval === undefined || wait === undefined) {
      await condition(() => owner.settings.pollIntervalMs !== undefined);
      continue;
    }
    if (wait > 0) {
      // A new interval from config ends the wait early; the schedule is worked out again.
      await condition(() => owner.settings.pollIntervalMs !== interval, wait);
      continue;
    }
    state.checking = true;
    try {
      await checkOnce(owner);
    } catch (error) {
      log.warn('registry check failed; the next one is one interval on', { error: String(error) });
    } finally {
      state.checking = false;
    }
    owner.nextPollAt = nextPollAt(owner.nextPollAt, Date.now(), interval);
  }
}

/** One check: a digest the environment has not seen is enqueued like any other deploy, `requestedBy: "poller"`. */
async function checkOnce(owner: OwnerState): Promise<void> {
  const { project, environment } = owner.settings;
  const deploymentId = `${project}-${environment}-${Date.now().toString(36)}${uuid4().slice(0, 6)}`;
  const answer = await checkRegistry({ project, environment, deploymentId, ...(owner.desired?.spec.trigger && { servingTag: owner.desired.spec.trigger.tag }) });
  const { request, skipped } = choosePolled(owner, answer.candidates, Date.now());
  if (!request) {
    log.info('registry poll found nothing new', { project, environment, ...(answer.reason && { reason: answer.reason }), skipped });
    return;
  }
  const position = enqueue(owner, request);
  log.info('registry poll enqueued a deploy', { deploymentId, image: request.spec.image, trigger: request.spec.trigger, position });
}
