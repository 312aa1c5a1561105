import type { Payload } from '@temporalio/common';
import type { Harness } from './berth-harness';

/** A workflow's history exactly as the Temporal API gives it to anyone who can read the cluster: no codec. */
export async function rawHistory(berth: Harness, workflowId: string): Promise<unknown> {
  const response = await berth.client.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId } });
  return response.history;
}

const isPayload = (value: any): value is Payload => value && typeof value === 'object' && value.data instanceof Uint8Array && value.metadata && typeof value.metadata === 'object';

/**
 * Every payload in the history, and all its other text. Search attributes are
 * left out: they are visibility's plaintext index by design (BerthProject, BerthCommit, ...).
 */
export function walkHistory(history: unknown): { payloads: Payload[]; text: string } {
  const payloads: Payload[] = [];
  const text: string[] = [];
  const visit = (value: any, key?: string): void => {
    if (key === 'searchAttributes' || value === null || value === undefined) return;
    // Patch markers are written by the SDK's core, outside the codec, and hold only the patch id (`patched('…')`).
    if (key === 'markerRecordedEventAttributes' && value.markerName === 'core_patch') return;
    // A local activity's marker: core's own bookkeeping (seq, attempt, activity type, times) outside the codec; its result and failure are visited.
    if (key === 'markerRecordedEventAttributes' && value.markerName === 'core_local_activity') {
      const { data: _bookkeeping, ...details } = value.details ?? {};
      return visit({ ...value, details });
    }
    if (isPayload(value)) payloads.push(value);
    if (value instanceof Uint8Array) text.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('base64'));
    else if (typeof value === 'string') text.push(value);
    else if (typeof value === 'object') for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
  };
  visit(history);
  return { payloads, text: text.join('\n') };
}

export const encodingOf = (payload: Payload) => Buffer.from(payload.metadata?.encoding ?? []).toString('utf8');

/** A payload as the remote codec protocol carries it: metadata values and data in base64. */
export const codecJson = (payload: Payload) => ({
  metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')])),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});
