import { proxyActivities } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import type { HostInfo } from '../model/host-info';
import { hostTaskQueue } from '../model/task-queues';

/**
 * Asks one host's worker about its dockerd, for `GET /v1/hosts`. Short: the
 * API waits for it, and a host without a worker answers with a timeout.
 */
export async function hostInfoWorkflow(host: string, waitMs: number): Promise<HostInfo> {
  const { describeHost } = proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(host),
    scheduleToStartTimeout: waitMs,
    startToCloseTimeout: '10s',
    retry: { maximumAttempts: 1 },
    summary: `describe host ${host}`,
  });
  return describeHost();
}
