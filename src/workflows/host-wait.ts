import { ActivityFailure, ApplicationFailure, patched, proxyActivities, TimeoutFailure, type ActivityOptions } from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import type { HostActivities } from '../activities';
import { hostTaskQueue } from '../model/task-queues';
import type { DeploySpec } from '../model/types';

/** How long a step may sit in the host's queue before the deploy says that it waits for the host's worker. */
export const hostNoticeMs = 5_000;
/** For deploys requested before `hosts.<h>.hostTimeout` existed. */
export const defaultHostTimeoutMs = 600_000;

export function waitingForHost(host: string): string {
  return `waiting for host ${host}'s worker`;
}

type AnyActivity = (...args: unknown[]) => Promise<unknown>;

/**
 * Host-bound activities that notice a host without a worker. Each call is
 * scheduled with a short schedule-to-start timeout; when nobody picked it up
 * in time, the deploy says it waits for the host's worker and schedules it
 * again with what is left of `hostTimeout`, so a worker that comes back picks
 * it up at once. Past `hostTimeout` the step fails, before it changed anything.
 */
export class HostWait {
  // Deploys started before this existed scheduled each step once; they replay that way.
  private readonly enabled = patched('host-wait');

  constructor(
    private readonly spec: DeploySpec,
    private readonly onWaiting: (message: string | undefined) => void,
  ) {}

  activities(options: ActivityOptions): HostActivities {
    if (!this.enabled) return proxyActivities<HostActivities>(options);
    return new Proxy({} as HostActivities, {
      get: (_target, name) => (name === 'then' ? undefined : (...args: unknown[]) => this.call(options, String(name), args)),
    });
  }

  private async call(options: ActivityOptions, name: string, args: unknown[]): Promise<unknown> {
    const { host } = this.spec;
    const timeoutMs = this.spec.hostTimeoutMs ?? defaultHostTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    let scheduleToStartTimeout = Math.min(hostNoticeMs, timeoutMs);
    for (;;) {
      const activity = proxyActivities<Record<string, AnyActivity>>({ ...options, scheduleToStartTimeout })[name];
      try {
        const result = await activity(...args);
        this.onWaiting(undefined);
        return result;
      } catch (error) {
        if (!notPickedUp(error)) {
          this.onWaiting(undefined);
          throw error;
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          this.onWaiting(undefined);
          throw ApplicationFailure.nonRetryable(
            `host ${host}'s worker did not pick up the step within ${Math.round(timeoutMs / 1000)}s (hosts.${host}.hostTimeout): ` +
              `no Berth worker polls ${hostTaskQueue(host)}; start one on that host with \`berth worker --host ${host}\``,
            'HostUnavailable',
          );
        }
        this.onWaiting(waitingForHost(host));
        scheduleToStartTimeout = left;
      }
    }
  }
}

/** A schedule-to-start timeout: no worker of the host's queue took the task in time. */
function notPickedUp(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof TimeoutFailure && error.cause.timeoutType === TimeoutType.SCHEDULE_TO_START;
}
