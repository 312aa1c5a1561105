import { ActivityCancellationType, proxyActivities, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';
import type { NotifyActivities } from '../activities';
import { HostWait } from './host-wait';
import { LocalSteps } from './local-steps';
import { migrationBudgetMs } from '../model/migration-types';
import { hostTaskQueue } from '../model/task-queues';
import type { DeploySpec } from '../model/types';

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '10s', maximumAttempts: 5 };

/** A summary names the call in the Web UI's event history, so the history reads as the deploy's story. */
function grouper(wait: HostWait) {
  return (options: ActivityOptions) => (summary?: string) => wait.activities(summary ? { ...options, summary } : options);
}

/**
 * Host-bound activities with their timeouts. They wait for cancellation to
 * complete, so an undo never races the step it undoes.
 */
export function hostActivities(spec: DeploySpec, onWaiting: (message: string | undefined) => void = () => undefined) {
  const group = grouper(new HostWait(spec, onWaiting));
  const local = new LocalSteps();
  const taskQueue = hostTaskQueue(spec.host);
  const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
  const { intervalMs, timeoutMs, retries, startPeriodMs, monitorMs } = spec.health;
  // Short heartbeats let a cancel reach a probing activity within seconds.
  const migrationBudget = spec.migrations ? migrationBudgetMs(spec.migrations) : '1m';
  const probeHeartbeatMs = Math.max(5000, timeoutMs + intervalMs + 3000);
  return {
    /** Whether this deploy runs its quick steps locally (`patched('local-quick-steps')`, read once). */
    localSteps: local.enabled,
    /** Run as local activities where this process serves the host (see LocalSteps). */
    quick: local.wrap(group({ taskQueue, cancellationType, startToCloseTimeout: '1m', retry })),
    pull: group({ taskQueue, cancellationType, startToCloseTimeout: '15m', heartbeatTimeout: '30s', retry }),
    health: group({
      taskQueue,
      cancellationType,
      startToCloseTimeout: startPeriodMs + retries * (intervalMs + timeoutMs) + 30_000,
      heartbeatTimeout: probeHeartbeatMs,
      retry: { ...retry, maximumAttempts: 2 },
    }),
    monitor: group({
      taskQueue,
      cancellationType,
      startToCloseTimeout: monitorMs + timeoutMs + 30_000,
      heartbeatTimeout: probeHeartbeatMs,
      retry: { ...retry, maximumAttempts: 2 },
    }),
    retire: group({ taskQueue, cancellationType, startToCloseTimeout: spec.stopTimeoutMs * 4 + 60_000, retry }),
    migrate: group({ taskQueue, cancellationType, startToCloseTimeout: migrationBudget, heartbeatTimeout: '30s', retry: { ...retry, maximumAttempts: 3 } }),
    migrateUndo: group({
      taskQueue,
      startToCloseTimeout: migrationBudget,
      heartbeatTimeout: '30s',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 5 },
    }),
    /** Undo steps: more patient, since giving up leaves work for a person. */
    undo: group({
      taskQueue,
      startToCloseTimeout: '2m',
      retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '15s', maximumAttempts: 8 },
    }),
  };
}

export type HostActs = ReturnType<typeof hostActivities>;

export const { notify, msUntilWindowOpens } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumAttempts: 4 },
});

/** One receiver's delivery: its own timeout and retries; the webhook call itself gives up after 5 s. */
export const { listReceivers, notifyReceiver } = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '10s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
});
