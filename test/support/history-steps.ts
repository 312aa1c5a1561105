import type { temporal } from '@temporalio/proto';

export interface Steps {
  /** Local activities, by type, in the order their markers were recorded (with `failed` for a failure). */
  local: string[];
  /** Regular activities as `type@taskQueue`, in the order they were scheduled. */
  scheduled: string[];
}

/** What a workflow's history says about how its activities ran. */
export function stepsIn(events: temporal.api.history.v1.IHistoryEvent[]): Steps {
  const local: string[] = [];
  const scheduled: string[] = [];
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      const data = JSON.parse(Buffer.from(marker.details!.data!.payloads![0].data!).toString('utf8')) as { activity_type?: string; activityType?: string };
      local.push(`${data.activity_type ?? data.activityType}${marker.failure ? ' failed' : ''}`);
    }
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs) scheduled.push(`${attrs.activityType?.name}@${attrs.taskQueue?.name}`);
  }
  return { local, scheduled };
}
