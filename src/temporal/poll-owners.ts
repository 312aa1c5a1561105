import type { Client } from '@temporalio/client';
import type { OwnerSettings } from '../model/owner-types';
import { ownerSettingsSignal, ownerWorkflowId, workflowTypes } from '../workflows/definitions';

/**
 * Starts the owner of each polling environment, or hands a running one the
 * settings from the config (signal-with-start): the poll lives in the owner,
 * and an environment that never had a deploy has none yet.
 */
export async function startPollingOwners(client: Client, taskQueue: string, owners: OwnerSettings[]): Promise<void> {
  for (const settings of owners) {
    await client.workflow.signalWithStart(workflowTypes.environment, {
      workflowId: ownerWorkflowId(settings.project, settings.environment),
      taskQueue,
      args: [settings],
      signal: ownerSettingsSignal,
      signalArgs: [settings],
      staticSummary: `owner of ${settings.project}/${settings.environment}`,
    });
  }
}
