import { log, patched, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import { hostNotLocal, runLocal } from './local-steps';
import { Announcer } from './announcer';
import type { HostActivities } from '../activities';
import { healCapReached, type OwnerState } from './environment-state';
import { hostTaskQueue } from '../model/task-queues';
import type { DeployEvent } from '../model/event-types';
import type { DeploySpec } from '../model/types';
import { notify } from './workflow-activities';

/**
 * One pass of drift reconciliation: the desired release runs, with the right
 * digest, healthy, and the proxy routes to it; strays are removed. Heals are
 * capped per window, so a release that keeps breaking stops being healed and
 * raises an alert instead of flapping.
 */
export async function reconcileOnce(owner: OwnerState): Promise<void> {
  const desired = owner.desired!;
  const { spec } = desired;
  const now = Date.now();
  if (healCapReached(owner, now)) {
    await stop(owner, `healing was needed ${owner.settings.maxHeals} times within ${owner.settings.healWindowMs} ms`);
    return;
  }
  let report;
  try {
    report = await reconcileEnvironment(owner, `reconcile ${spec.project}/${spec.environment} (desired ${desired.summary.release})`);
  } catch (error) {
    report = { healed: [], problems: [`reconcile failed: ${String((error as Error).message ?? error)}`], upstream: desired.upstream };
  }
  owner.lastReconcile = { at: new Date().toISOString(), healed: report.healed, problems: report.problems };
  desired.upstream = report.upstream ?? desired.upstream;
  if (report.healed.length === 0 && report.problems.length === 0) return;
  owner.healTimes.push(now);
  log.info('drift healed', { healed: report.healed, problems: report.problems });
  await announce({
    event: 'drift_healed',
    kind: 'deploy',
    deploymentId: desired.summary.deploymentId,
    project: spec.project,
    environment: spec.environment,
    image: desired.summary.image,
    digest: desired.summary.digest,
    status: 'succeeded',
    ...instanceOf(spec),
    reason: [...report.healed, ...report.problems].join('; '),
    at: new Date().toISOString(),
  });
}

const reconcileOptions = { startToCloseTimeout: '2m', retry: { maximumAttempts: 2 } } as const;

/**
 * An idle owner's pass is a timer and this call. Run as a local activity in
 * the workflow worker, when its process serves the host, the pass takes one
 * workflow task instead of two, 6 history events instead of 11, and no
 * activity task round trip through the server. A workflow worker that does not serve the
 * host answers HostNotLocal once per run; the run's later passes go to the
 * host's queue. Runs from before replay their passes as regular activities.
 */
async function reconcileEnvironment(owner: OwnerState, summary: string): Promise<Awaited<ReturnType<HostActivities['reconcileEnvironment']>>> {
  const { spec, summary: release, upstream } = owner.desired!;
  if (!owner.reconcileElsewhere && patched('owner-local-reconcile')) {
    const local = proxyLocalActivities<HostActivities>({ ...reconcileOptions, summary, retry: { ...reconcileOptions.retry, nonRetryableErrorTypes: ['NotFoundError'] } });
    try {
      return await runLocal('reconcileEnvironment', () => local.reconcileEnvironment(spec, release, upstream));
    } catch (error) {
      if (!hostNotLocal(error)) throw error;
      owner.reconcileElsewhere = true;
    }
  }
  const regular = proxyActivities<HostActivities>({ ...reconcileOptions, taskQueue: hostTaskQueue(spec.host), summary });
  return regular.reconcileEnvironment(spec, release, upstream);
}

async function stop(owner: OwnerState, why: string): Promise<void> {
  owner.paused = true;
  owner.pausedReason = `reconciliation stopped: ${why}`;
  const { spec, summary } = owner.desired!;
  await announce({
    event: 'drift_alert',
    kind: 'deploy',
    deploymentId: summary.deploymentId,
    project: spec.project,
    environment: spec.environment,
    image: summary.image,
    digest: summary.digest,
    status: 'failed',
    ...instanceOf(spec),
    reason: owner.pausedReason,
    at: new Date().toISOString(),
  });
}

/** A preview instance's owner names the instance in what it tells people, as its deploys do. */
function instanceOf(spec: DeploySpec): Pick<DeployEvent, 'tag' | 'url'> {
  return spec.preview ? { tag: spec.preview.tag, url: spec.preview.url } : {};
}

/** Each receiver on its own, as deploys do; owners that started before keep their recorded commands. */
async function announce(event: DeployEvent): Promise<void> {
  if (patched('notify-each-receiver')) await new Announcer().announce(event);
  else await notify(event).catch(() => undefined);
}
