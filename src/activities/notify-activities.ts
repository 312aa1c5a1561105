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

export function createNotifyActivities(deps: NotifyDeps) {
  return {
    /**
     * Delivers the event to every receiver. Throws when any failed so Temporal
     * retries; the workflow caps the attempts and never fails a deploy on it.
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

    /** How long until a deploy window opens; 0 when open. Time zones are resolved here, not in the workflow. */
    async msUntilWindowOpens(windowText: string): Promise<number> {
      const window = parseDeployWindow(windowText);
      if (typeof window === 'string') throw ApplicationFailure.nonRetryable(`window: ${window}`, 'INVALID_SPEC');
      return msUntilOpen(window, new Date());
    },
  };
}
