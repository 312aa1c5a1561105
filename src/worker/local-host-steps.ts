import { ApplicationFailure } from '@temporalio/common';
import type { HostActivities } from '../activities';
import { hostNotLocalType, localHostSteps, type LocalHostStep } from '../model/local-steps';

type Step = (...args: unknown[]) => Promise<unknown>;

/**
 * The quick host steps, registered on the workflow worker so deploys can run
 * them as local activities. Each dispatches on its spec's host to the very
 * activities (same Docker clients, port allocator and proxy driver) the host's
 * own worker in this process uses; a host this process does not serve answers
 * `HostNotLocal`, and the workflow schedules the step on that host's queue.
 */
export function createLocalHostSteps(hosts: ReadonlyMap<string, HostActivities>): Record<LocalHostStep, Step> {
  const entries = localHostSteps.map((name) => {
    const step: Step = async (...args) => {
      const host = (args[0] as { host?: string } | undefined)?.host ?? '';
      const activities = hosts.get(host);
      if (!activities) throw ApplicationFailure.nonRetryable(`host ${host}'s activities do not run in this worker process`, hostNotLocalType);
      return (activities[name] as Step)(...args);
    };
    return [name, step] as const;
  });
  return Object.fromEntries(entries) as Record<LocalHostStep, Step>;
}
