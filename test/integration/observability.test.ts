import { createHmac } from 'node:crypto';
import { readSse } from '../../src/cli/sse';
import { Harness, tokens } from '../support/berth-harness';
import { eventually } from '../support/eventually';
import { WebhookReceiver } from '../support/webhook-receiver';

interface StreamRead {
  contentType: string | null;
  events: Array<{ id: number; event: string; data: any }>;
  end?: any;
}

/** Visibility shows a deploy a moment after its record does: read until `done`, bounded. */
function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  return eventually(async () => {
    const value = await read();
    return done(value) && value;
  }, { what: 'visibility catching up', timeoutMs, intervalMs: 300 }) as Promise<T>;
}

/** One deploy watched live, listed, measured and announced with a signature. */
describe('watching deploys: events, list, metrics, signed webhooks', () => {
  const hook = new WebhookReceiver();
  const hookSecret = 'observe-shared-secret';
  let berth: Harness;
  let succeeded: string;
  let failed: string;

  beforeAll(async () => {
    const url = await hook.start();
    process.env.BERTH_TEST_OBSERVE_HOOK_SECRET = hookSecret;
    berth = new Harness({ name: 'observe', config: { notify: [{ type: 'webhook', url, secret: 'env:BERTH_TEST_OBSERVE_HOOK_SECRET' }] } });
    await berth.start();
  });
  afterAll(async () => {
    await berth.stop();
    await hook.stop();
  });

  /** Reads the event stream, optionally resuming, until `end` or until `stopWhen` says enough (then disconnects). */
  async function readStream(id: string, options: { lastEventId?: number; stopWhen?: (read: StreamRead) => boolean } = {}): Promise<StreamRead> {
    const disconnect = new AbortController();
    const headers: Record<string, string> = { authorization: `Bearer ${tokens.reader}` };
    if (options.lastEventId !== undefined) headers['last-event-id'] = String(options.lastEventId);
    const response = await fetch(`${berth.apiUrl}/v1/deployments/${id}/events`, { headers, signal: disconnect.signal });
    const read: StreamRead = { contentType: response.headers.get('content-type'), events: [] };
    for await (const message of readSse(response.body as any)) {
      if (message.event === 'end') {
        read.end = JSON.parse(message.data);
        break;
      }
      read.events.push({ id: Number(message.id), event: message.event, data: JSON.parse(message.data) });
      if (options.stopWhen?.(read)) break;
    }
    // Leaving the loop cancels the body; aborting also closes the connection, as a client going away does.
    disconnect.abort();
    return read;
  }

  it('streams every step and log line in order, live, and resumes from Last-Event-ID', async () => {
    succeeded = await berth.deploy('v2', 'staging', { commit: 'abc1234' });
    const first = await readStream(succeeded, { stopWhen: (read) => read.events.length >= 2 });
    const resumed = await readStream(succeeded, { lastEventId: first.events.at(-1)!.id });
    const record = await berth.waitForEnd(succeeded);

    expect(first.contentType).toBe('text/event-stream; charset=utf-8');
    const streamed = [...first.events, ...resumed.events];
    expect(streamed.map((e) => e.data)).toEqual(record.events);
    expect(streamed.map((e) => e.id)).toEqual(record.events.map((_, index) => index + 1));
    expect(streamed.map((e) => e.event)).toEqual(record.events.map((e) => e.type));
    expect(streamed.filter((e) => e.event === 'step' && e.data.status === 'running').map((e) => e.data.step)).toEqual(record.steps.map((s) => s.name));
    expect(resumed.end).toEqual({ id: succeeded, status: 'succeeded', finishedAt: record.finishedAt });

    // After the end, a resumed stream sends what was missed and ends at once.
    const late = await readStream(succeeded, { lastEventId: 3 });
    expect(late.events.map((e) => e.id)).toEqual(record.events.filter((e) => e.id > 3).map((e) => e.id));
    expect(late.end.status).toBe('succeeded');
  });

  it('ends the stream of a failed deploy with its outcome, after its log lines', async () => {
    failed = await berth.deploy('unhealthy');
    const read = await readStream(failed);

    expect(read.end).toMatchObject({ id: failed, status: 'failed', failedStep: 'health', reason: expect.any(String) });
    expect(read.events.find((e) => e.event === 'step' && e.data.step === 'health' && e.data.status === 'failed')).toBeDefined();
    expect(read.events.map((e) => e.id)).toEqual(read.events.map((_, index) => index + 1));
    // The stream ends with the outcome; the workflow closes once its notifications are out. Paging below wants it closed.
    await berth.waitForEnd(failed);
  });

  it('lists deploys newest first, filtered and paged', async () => {
    const list = (query: string) => berth.request('GET', `/v1/deployments?${query}`, undefined, tokens.reader);
    const all = await readUntil(
      () => list('project=observe'),
      (r) => r.body.deployments?.filter((d: any) => d.status === 'succeeded' || d.status === 'failed').length === 2,
    );
    expect(all.body.deployments.map((d: any) => [d.id, d.status])).toEqual([
      [failed, 'failed'],
      [succeeded, 'succeeded'],
    ]);
    expect(all.body.deployments[1]).toMatchObject({ kind: 'deploy', project: 'observe', environment: 'staging', commit: 'abc1234', requestedBy: 'ci', digest: expect.stringMatching(/^sha256:/) });
    expect(all.body.nextPageToken).toBeNull();

    const page1 = await list('project=observe&pageSize=1');
    const page2 = await list(`project=observe&pageSize=1&pageToken=${page1.body.nextPageToken}`);
    expect([...page1.body.deployments, ...page2.body.deployments].map((d: any) => d.id)).toEqual([failed, succeeded]);
    expect(page1.body.nextPageToken).toMatch(/^[A-Za-z0-9_-]+$/);

    expect((await list('project=observe&status=failed')).body.deployments.map((d: any) => d.id)).toEqual([failed]);
    expect((await list('project=observe&environment=production')).body.deployments).toEqual([]);
    expect((await list('pageSize=0')).body.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/^pageSize: /) });
    expect((await list('status=done')).status).toBe(400);
  });

  it('reports Prometheus metrics whose counts match the deploys run', async () => {
    const scrape = async (token: string | null = tokens.reader) => {
      const response = await fetch(`${berth.apiUrl}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
    };
    const value = (text: string, series: string) => text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1];
    const labels = 'project="observe",environment="staging"';
    const metrics = await readUntil(scrape, (m) => value(m.text, `berth_deploys{${labels},status="failed"}`) === '1', 30_000);

    expect(metrics.status).toBe(200);
    expect(metrics.type).toBe('text/plain; version=0.0.4; charset=utf-8');
    // prom-client leaves a blank line between metrics, and writes NaN as "Nan" (Prometheus parses either);
    // Node's process metrics come after Berth's.
    for (const line of metrics.text.trim().split('\n').filter((l) => l !== '')) {
      expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{(\w+="(?:[^"\\]|\\.)*",?)*\})? (-?[\d.e+-]+|NaN|Nan|[+-]Inf))$/);
    }
    const text = metrics.text;
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(value(text, `berth_deploys{${labels},status="succeeded"}`)).toBe('1');
    expect(value(text, `berth_deploys{${labels},status="failed"}`)).toBe('1');
    expect(value(text, `berth_deploys{${labels},status="running"}`)).toBe('0');
    expect(value(text, `berth_approvals_waiting{${labels}}`)).toBe('0');
    expect(value(text, `berth_deploy_duration_seconds_count{${labels},kind="deploy",outcome="succeeded"}`)).toBe('1');
    expect(value(text, `berth_deploy_duration_seconds_count{${labels},kind="deploy",outcome="failed"}`)).toBe('1');
    expect(value(text, `berth_step_duration_seconds_count{${labels},step="pull"}`)).toBe('2');
    expect(value(text, `berth_step_duration_seconds_count{${labels},step="switch"}`)).toBe('1');
    expect(Number(value(text, `berth_dora_deployment_frequency_per_day{${labels},window="7d"}`))).toBeCloseTo(1 / 7);
    expect(value(text, `berth_dora_change_failure_rate{${labels},window="30d"}`)).toBe('0.5');
    expect((await scrape(null)).status).toBe(401);
  });

  it('signs every webhook with HMAC-SHA256 of its timestamp and raw body', () => {
    const ours = hook.received.filter((h) => h.json.deploymentId === succeeded || h.json.deploymentId === failed);
    expect(ours.map((h) => `${h.json.deploymentId === failed ? 'failed' : 'succeeded'}:${h.json.event}`)).toEqual(
      expect.arrayContaining(['succeeded:started', 'succeeded:succeeded', 'failed:started', 'failed:failed']),
    );
    for (const received of ours) {
      const [, timestamp] = /^t=(\d+),/.exec(String(received.headers['x-berth-signature']))!;
      expect(received.headers['x-berth-signature']).toBe(`t=${timestamp},v1=${createHmac('sha256', hookSecret).update(`${timestamp}.${received.body}`).digest('hex')}`);
    }
  });
});
