import type { Client } from '@temporalio/client';
import type { DeployRecord } from '../src/model/types';

/** Where one deploy's time went: each recorded step's duration, and Temporal's own waits. */
export interface Timeline {
  steps: Record<string, number>;
  /** Sum of every activity's schedule-to-start (time queued in Temporal before a worker picked it up). */
  scheduleToStartMs: number;
  /** Per activity type, summed schedule-to-start and run time (started → completed); local activities as `<type> (local)`, never queued in Temporal. */
  activities: Record<string, { queuedMs: number; runMs: number; count: number }>;
  /** Workflow start requested → first workflow task started. */
  firstTaskMs: number;
  /** When the workflow execution started (its first event), ms since the epoch. */
  startedAt: number;
  /** Workflow tasks: how many, summed time queued (scheduled → started) and summed time in the worker (started → completed). */
  workflowTasks: { count: number; queuedMs: number; runMs: number };
}

const ms = (time: unknown): number => {
  const t = time as { seconds?: { toNumber(): number } | number; nanos?: number } | undefined;
  if (!t) return NaN;
  const seconds = typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
};

interface Marker {
  markerName?: string | null;
  details?: Record<string, { payloads?: Array<{ data?: Uint8Array | null }> | null }> | null;
}

/** A local activity's marker: its type, and when it completed as the workflow perceives it. */
function localActivityOf(marker: Marker | null | undefined): { type: string; completedAt: number } | undefined {
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string; complete_time?: unknown };
  return { type: parsed.activity_type, completedAt: ms(parsed.complete_time) };
}

/** Reads the deploy workflow's history for schedule-to-start and run time of each activity. */
export async function timelineOf(client: Client, record: DeployRecord): Promise<Timeline> {
  const steps: Record<string, number> = {};
  for (const step of record.steps) {
    if (step.finishedAt) steps[step.name] = (steps[step.name] ?? 0) + Date.parse(step.finishedAt) - Date.parse(step.startedAt);
  }
  const events = (await client.workflow.getHandle(record.id).fetchHistory()).events ?? [];
  const scheduled = new Map<string, { type: string; at: number }>();
  const started = new Map<string, number>();
  const activities: Timeline['activities'] = {};
  let scheduleToStartMs = 0;
  for (const event of events) {
    const at = ms(event.eventTime);
    if (event.activityTaskScheduledEventAttributes) scheduled.set(String(event.eventId), { type: event.activityTaskScheduledEventAttributes.activityType?.name ?? '?', at });
    const startedAttrs = event.activityTaskStartedEventAttributes;
    if (startedAttrs) started.set(String(startedAttrs.scheduledEventId), at);
    const completed = event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
    if (completed) {
      const key = String(completed.scheduledEventId);
      const from = scheduled.get(key)!;
      const startAt = started.get(key) ?? from.at;
      const entry = (activities[from.type] ??= { queuedMs: 0, runMs: 0, count: 0 });
      entry.queuedMs += startAt - from.at;
      entry.runMs += at - startAt;
      entry.count += 1;
      scheduleToStartMs += startAt - from.at;
    }
  }
  // A local activity's completion time is the workflow task's start plus the time since: its run is what it adds to that.
  let since = 0;
  for (const event of events) {
    if (event.workflowTaskStartedEventAttributes) since = ms(event.eventTime);
    const local = localActivityOf(event.markerRecordedEventAttributes);
    if (!local) continue;
    const entry = (activities[`${local.type} (local)`] ??= { queuedMs: 0, runMs: 0, count: 0 });
    entry.runMs += Math.max(0, local.completedAt - since);
    entry.count += 1;
    since = Math.max(since, local.completedAt);
  }
  const workflowTasks = { count: 0, queuedMs: 0, runMs: 0 };
  const taskAt = new Map<string, number>();
  for (const event of events) {
    const at = ms(event.eventTime);
    if (event.workflowTaskScheduledEventAttributes) taskAt.set(String(event.eventId), at);
    const taskStarted = event.workflowTaskStartedEventAttributes;
    if (taskStarted) {
      workflowTasks.queuedMs += at - (taskAt.get(String(taskStarted.scheduledEventId)) ?? at);
      taskAt.set(String(event.eventId), at);
    }
    const taskCompleted = event.workflowTaskCompletedEventAttributes;
    if (taskCompleted) {
      workflowTasks.count += 1;
      workflowTasks.runMs += at - (taskAt.get(String(taskCompleted.startedEventId)) ?? at);
    }
  }
  const first = ms(events[0]?.eventTime);
  const firstTask = events.find((event) => event.workflowTaskStartedEventAttributes);
  return { steps, scheduleToStartMs, activities, firstTaskMs: ms(firstTask?.eventTime) - first, startedAt: first, workflowTasks };
}

/** Averages per step and per activity over several deploys, as printable lines. */
export function describeTimelines(timelines: Timeline[]): string[] {
  const n = timelines.length;
  if (n === 0) return [];
  const avg = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / n);
  const stepNames = [...new Set(timelines.flatMap((t) => Object.keys(t.steps)))];
  const types = [...new Set(timelines.flatMap((t) => Object.keys(t.activities)))];
  return [
    `steps (mean ms over ${n}): ${stepNames.map((name) => `${name} ${avg(timelines.map((t) => t.steps[name] ?? 0))}`).join(', ')}`,
    `activities (mean ms queued in Temporal / running): ${types.map((type) => `${type} ${avg(timelines.map((t) => t.activities[type]?.queuedMs ?? 0))}/${avg(timelines.map((t) => t.activities[type]?.runMs ?? 0))}`).join(', ')}`,
    `Temporal's share: schedule-to-start summed over activities ${avg(timelines.map((t) => t.scheduleToStartMs))} ms, start → first workflow task ${avg(timelines.map((t) => t.firstTaskMs))} ms`,
    `workflow tasks: ${avg(timelines.map((t) => t.workflowTasks.count))} per deploy, summed ${avg(timelines.map((t) => t.workflowTasks.queuedMs))} ms queued in Temporal and ${avg(timelines.map((t) => t.workflowTasks.runMs))} ms in the worker`,
  ];
}
