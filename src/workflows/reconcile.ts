import { log, patched, proxyActivities } from '@temporalio/workflow';
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
  const { reconcileEnvironment } = proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(spec.host),
    startToCloseTimeout: '2m',
    retry: { maximumAttempts: 2 },
    summary: `reconcile ${spec.project}/${spec.environment} (desired ${desired.summary.release})`,
  });
  const now = Date.now();
  if (healCapReached(owner, now)) {
    await stop(owner, `healing was needed ${owner.settings.maxHeals} times within ${owner.settings.healWindowMs} ms`);
    return;
  }
  let report;
  try {
    report = await reconcileEnvironment(spec, desired.summary, desired.upstream);
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
