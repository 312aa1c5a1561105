import type { Harness } from './berth-harness';

/** The attempt numbers with which an activity type was started in a workflow's history. */
export async function activityAttempts(berth: Harness, workflowId: string, activityType: string): Promise<number[]> {
  const history = await berth.client.workflow.getHandle(workflowId).fetchHistory();
  const events = history.events ?? [];
  const typeBySchedule = new Map(
    events
      .filter((event) => event.activityTaskScheduledEventAttributes)
      .map((event) => [String(event.eventId), event.activityTaskScheduledEventAttributes!.activityType?.name]),
  );
  return events
    .filter((event) => event.activityTaskStartedEventAttributes)
    .filter((event) => typeBySchedule.get(String(event.activityTaskStartedEventAttributes!.scheduledEventId)) === activityType)
    .map((event) => event.activityTaskStartedEventAttributes!.attempt ?? 0);
}

/**
 * A workflow's whole history as searchable text, with every payload decoded:
 * payload data is base64 in the raw history, so a plain search would miss a leak.
 */
export async function historyText(berth: Harness, workflowId: string): Promise<string> {
  const raw = JSON.stringify(await berth.client.workflow.getHandle(workflowId).fetchHistory());
  const decoded = [...raw.matchAll(/"data":"([A-Za-z0-9+/=]+)"/g)].map(([, data]) => Buffer.from(data, 'base64').toString('utf8'));
  return [raw, ...decoded].join('\n');
}
