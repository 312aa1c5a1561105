import {
  ApplicationFailure,
  CancellationScope,
  defineQuery,
  log,
  proxyActivities,
  type RetryPolicy,
  setHandler,
  sleep,
} from '@temporalio/workflow';
import type { HostActivities, NotifyActivities } from '../activities';
import { StepLog } from './step-log';
import { hostTaskQueue } from './task-queues';
import type { DeployEvent, DeployRecord, DeploySpec, DeployStatus } from './types';

export const statusQuery = defineQuery<DeployRecord>('status');

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 };

function hostActivities(spec: DeploySpec) {
  const taskQueue = hostTaskQueue(spec.host);
  const { intervalMs, timeoutMs, retries, startPeriodMs } = spec.health;
  const healthBudgetMs = startPeriodMs + retries * (intervalMs + timeoutMs) + 30_000;
  return {
    quick: proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: '1m', retry }),
    pull: proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: '15m', heartbeatTimeout: '1m', retry }),
    health: proxyActivities<HostActivities>({
      taskQueue,
      startToCloseTimeout: healthBudgetMs,
      heartbeatTimeout: timeoutMs + intervalMs + 15_000,
      retry: { ...retry, maximumAttempts: 2 },
    }),
    retire: proxyActivities<HostActivities>({ taskQueue, startToCloseTimeout: spec.stopTimeoutMs * 4 + 60_000, retry }),
  };
}

const { notify } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 4 },
});

/**
 * One deploy: pull, start the candidate beside the current release, wait until
 * healthy, switch the proxy, drain and retire the previous release, notify.
 * Every step that changes the world registers its undo first; a failure runs
 * the undos in reverse, shielded from cancellation.
 */
export async function deployWorkflow(spec: DeploySpec): Promise<DeployRecord> {
  const steps = new StepLog();
  const record: DeployRecord = {
    id: spec.deploymentId,
    project: spec.project,
    environment: spec.environment,
    image: spec.image,
    commit: spec.commit,
    requestedBy: spec.requestedBy,
    status: 'running',
    release: spec.deploymentId,
    createdAt: new Date().toISOString(),
    steps: steps.steps,
  };
  setHandler(statusQuery, () => record);
  const acts = hostActivities(spec);
  const undo: Array<() => Promise<void>> = [];
  // The record shows a final status only once compensation and notification are done.
  let outcome: DeployStatus = 'succeeded';

  // Not awaited: a slow receiver must not hold the deploy back.
  const started = announce(record, 'started').catch(() => undefined);
  try {
    if (spec.approval === 'required') {
      throw ApplicationFailure.nonRetryable(`${spec.environment} requires approval, which this version of Berth cannot grant`, 'APPROVAL_REQUIRED');
    }
    const image = await steps.run('pull', () => acts.pull.pullImage(spec));
    record.digest = image.digest;
    const previousUpstream = await acts.quick.readRoute(spec);

    undo.unshift(() => acts.quick.removeCandidate(spec));
    const candidate = await steps.run('start', () => acts.quick.startCandidate(spec, image));
    record.upstream = candidate.upstream;
    await steps.run('health', () => acts.health.waitHealthy(spec, candidate));
    await acts.quick.promoteCandidate(spec, candidate);

    undo.unshift(() => acts.quick.restoreRoute(spec, previousUpstream));
    await steps.run('switch', () => acts.quick.switchRoute(spec, candidate.upstream));
    // From here the new release serves: a failure to retire the old one is reported, not undone.

    await steps.run('drain', () => sleep(spec.drainMs));
    await steps.run('retire', async () => {
      const retired = await acts.retire.retireReleases(spec, spec.deploymentId);
      record.previousRelease = retired.stopped[0];
    }).catch((error) => log.warn('retiring previous releases failed; the new release serves', { error: String(error) }));
  } catch (error) {
    outcome = 'failed';
    record.failedStep = steps.lastFailed()?.name;
    record.reason = steps.lastFailed()?.error ?? String((error as Error).message ?? error);
    await CancellationScope.nonCancellable(async () => {
      await steps.run('cleanup', async () => {
        for (const step of undo) await step();
      }).catch(() => undefined);
    });
  }
  await started;
  await steps.run('notify', () => announce({ ...record, status: outcome }, outcome === 'succeeded' ? 'succeeded' : 'failed')).catch(() => undefined);
  record.finishedAt = new Date().toISOString();
  record.status = outcome;
  if (outcome !== 'succeeded') {
    throw ApplicationFailure.nonRetryable(record.reason ?? 'deploy failed', 'DeployFailed', record);
  }
  return record;
}

/** Delivery is retried a few times by Temporal; the caller decides whether a failure matters. */
function announce(record: DeployRecord, event: DeployEvent['event']): Promise<void> {
  const payload: DeployEvent = {
    event,
    deploymentId: record.id,
    project: record.project,
    environment: record.environment,
    image: record.image,
    digest: record.digest,
    status: record.status,
    reason: record.reason,
    failedStep: record.failedStep,
    at: new Date().toISOString(),
  };
  return notify(payload).catch((error) => {
    log.warn('notification failed', { event, error: String(error) });
    throw error;
  });
}
