import { streamEvents } from '../../src/api/event-stream';
import type { DeployEventLine, DeployRecord } from '../../src/model/types';

const line = (id: number, type: 'step' | 'log' = 'step'): DeployEventLine => ({ id, at: '2025-01-01T00:00:00.000Z', type, step: 'pull', message: `line ${id}` });

function recordWith(ids: number[], status: DeployRecord['status'] = 'running'): DeployRecord {
  return { id: 'web-staging-x', kind: 'deploy', project: 'web', environment: 'staging', image: 'i', requestedBy: 'ci', status, release: 'r', createdAt: '', steps: [], events: ids.map((id) => line(id)) };
}

describe('streamEvents', () => {
  it('sends each new line once, in order, after the given id, then `end` with the outcome', async () => {
    const reads = [recordWith([1, 2]), recordWith([1, 2, 3]), recordWith([1, 2, 3, 4], 'failed')];
    const sent: string[] = [];
    const outcome = await streamEvents({ read: async () => reads.shift(), send: (chunk) => sent.push(chunk), after: 1, signal: new AbortController().signal, pollMs: 1 });

    expect(outcome).toBe('ended');
    expect(sent.slice(1)).toEqual([
      `id: 2\nevent: step\ndata: ${JSON.stringify(line(2))}\n\n`,
      `id: 3\nevent: step\ndata: ${JSON.stringify(line(3))}\n\n`,
      `id: 4\nevent: step\ndata: ${JSON.stringify(line(4))}\n\n`,
      'event: end\ndata: {"id":"web-staging-x","status":"failed"}\n\n',
    ]);
    expect(sent[0]).toMatch(/^retry: 2000\n/);
  });

  it('stops polling when the client goes away, and keeps polling through a failed read', async () => {
    const disconnected = new AbortController();
    let reads = 0;
    const errors: unknown[] = [];
    const sent: string[] = [];
    const outcome = await streamEvents({
      read: async () => {
        reads += 1;
        if (reads === 2) throw new Error('Temporal blinked');
        if (reads === 4) disconnected.abort();
        return recordWith([]);
      },
      send: (chunk) => sent.push(chunk),
      after: 0,
      signal: disconnected.signal,
      pollMs: 1,
      heartbeatMs: 0,
      onReadError: (error) => errors.push(error),
    });
    await new Promise((resolve) => setTimeout(resolve, 20));

    expect(outcome).toBe('disconnected');
    expect(reads).toBe(4);
    expect(errors).toEqual([new Error('Temporal blinked')]);
    expect(sent.filter((chunk) => chunk === ': heartbeat\n\n').length).toBeGreaterThan(0);
  });
});
