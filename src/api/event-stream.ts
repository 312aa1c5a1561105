import { setTimeout as sleep } from 'node:timers/promises';
import type { DeployEventLine, DeployRecord } from '../model/types';
import type { PipelineRecord } from '../model/pipeline-types';
import { isFinal } from '../model/types';

export interface EventStreamOptions {
  /** The record as it stands now; undefined once it no longer exists. */
  read: () => Promise<DeployRecord | PipelineRecord | undefined>;
  send: (chunk: string) => void;
  /** The last event id the client has; lines after it are sent. */
  after: number;
  /** Aborted when the client goes away: polling stops. */
  signal: AbortSignal;
  pollMs?: number;
  heartbeatMs?: number;
  /** A read failed (Temporal unreachable for a moment); the stream keeps polling. */
  onReadError?: (error: unknown) => void;
}

/** `id: 3\nevent: step\ndata: {...}\n\n` */
export function formatEvent(line: DeployEventLine): string {
  return `id: ${line.id}\nevent: ${line.type}\ndata: ${JSON.stringify(line)}\n\n`;
}

/** What `event: end` carries: the outcome, so a client needs no further request. */
export function endData(record: DeployRecord | PipelineRecord | undefined): Record<string, unknown> {
  if (!record) return { status: 'unknown', reason: 'the deployment no longer exists' };
  const { id, status, reason, finishedAt } = record;
  return { id, status, reason, failedStep: 'failedStep' in record ? record.failedStep : undefined, finishedAt };
}

/**
 * Polls the record and sends the lines after `after`, in order, until the
 * deploy has finished (then `event: end`) or the client disconnects.
 * Comments keep idle connections open through proxies.
 */
export async function streamEvents(options: EventStreamOptions): Promise<'ended' | 'disconnected'> {
  const { read, send, signal, pollMs = 400, heartbeatMs = 15_000 } = options;
  let last = options.after;
  let quietSince = Date.now();
  send(`retry: 2000\n: deployment events after ${last}\n\n`);
  while (!signal.aborted) {
    let record: DeployRecord | PipelineRecord | undefined;
    let readFailed = false;
    try {
      record = await read();
    } catch (error) {
      readFailed = true;
      options.onReadError?.(error);
    }
    if (signal.aborted) break;
    if (!readFailed) {
      const lines = record && 'events' in record ? (record.events ?? []) : [];
      for (const line of lines) {
        if (line.id <= last) continue;
        send(formatEvent(line));
        last = line.id;
        quietSince = Date.now();
      }
      if (!record || isFinal(record.status)) {
        send(`event: end\ndata: ${JSON.stringify(endData(record))}\n\n`);
        return 'ended';
      }
    }
    if (Date.now() - quietSince >= heartbeatMs) {
      send(': heartbeat\n\n');
      quietSince = Date.now();
    }
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
  return 'disconnected';
}
