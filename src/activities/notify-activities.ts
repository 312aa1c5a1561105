import { ApplicationFailure } from '@temporalio/activity';
import { msUntilOpen, parseDeployWindow } from '../config/deploy-window';
import type { Logger } from '../logger';
import { deliver, type NotifyReceiver } from '../notify/deliver';
import type { DeployEvent } from '../model/event-types';

export interface NotifyDeps {
  receivers: NotifyReceiver[];
  env: NodeJS.ProcessEnv;
  log: Logger;
}

/** `webhook 127.0.0.1:8123`: enough to tell receivers apart in a deploy's events, nothing secret. */
export function receiverLabel(receiver: NotifyReceiver): string {
  const type = receiver.type ?? 'webhook';
  if (/^(env|file):/.test(receiver.url)) return type;
  try {
    return `${type} ${new URL(receiver.url).host}`;
  } catch {
    return type;
  }
}

export function createNotifyActivities(deps: NotifyDeps) {
  return {
    /**
     * Delivers the event to every receiver; throws when any failed, so a retry
     * repeats the good ones. Kept for deploys started before per-receiver delivery.
     */
    async notify(event: DeployEvent): Promise<void> {
      const log = deps.log.child({ deploymentId: event.deploymentId, project: event.project, environment: event.environment });
      const failures: string[] = [];
      for (const receiver of deps.receivers) {
        try {
          await deliver(receiver, event, deps.env);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
      log.info({ event: event.event, receivers: deps.receivers.length, failures: failures.length }, 'notified');
      if (failures.length > 0) throw new Error(`notification not delivered: ${failures.join('; ')}`);
    },

    /** Names of the configured receivers (type and host, never a URL's path or secret), in order. */
    async listReceivers(): Promise<string[]> {
      return deps.receivers.map(receiverLabel);
    },

    /**
     * Delivers the event to one receiver. The workflow runs one of these per
     * receiver, each with its own retries, so a dead receiver neither holds
     * up nor repeats a delivery to the others.
     */
    async notifyReceiver(index: number, event: DeployEvent): Promise<void> {
      const receiver = deps.receivers[index];
      if (!receiver) throw ApplicationFailure.nonRetryable(`no receiver ${index}: this worker has ${deps.receivers.length}`, 'INVALID_SPEC');
      const log = deps.log.child({ deploymentId: event.deploymentId, project: event.project, environment: event.environment, receiver: receiverLabel(receiver) });
      await deliver(receiver, event, deps.env);
      log.info({ event: event.event }, 'notified');
    },

    /** How long until a deploy window opens; 0 when open. Time zones are resolved here, not in the workflow. */
    async msUntilWindowOpens(windowText: string): Promise<number> {
      const window = parseDeployWindow(windowText);
      if (typeof window === 'string') throw ApplicationFailure.nonRetryable(`window: ${window}`, 'INVALID_SPEC');
      return msUntilOpen(window, new Date());
    },
  };
}
