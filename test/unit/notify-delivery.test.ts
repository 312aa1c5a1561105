import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import pino from 'pino';
import { createNotifyActivities } from '../../src/activities/notify-activities';
import { notifyEntrySchema } from '../../src/config/notify-schema';
import type { DeployEvent } from '../../src/model/event-types';
import { verifySignature } from '../../src/notify/webhook';

/**
 * A receiver that checks the signature the way a team's own endpoint would (as the README shows):
 * HMAC over `<t>.<raw body>`, and a timestamp at most five minutes from its clock. `clockOffsetS`
 * moves its clock, so a captured delivery can be replayed "later".
 */
function receiver(secret?: string) {
  const received: Array<{ path: string; body: string; json: any; signatureValid?: boolean; refusal?: string; headers: Record<string, unknown> }> = [];
  const clock = { offsetS: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      let refusal: string | undefined;
      if (secret) {
        const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(req.headers['x-berth-signature'] ?? ''));
        const expected = match && Buffer.from(createHmac('sha256', secret).update(`${match[1]}.`).update(raw).digest('hex'));
        if (!match || !timingSafeEqual(expected!, Buffer.from(match[2]))) refusal = 'bad signature';
        else if (Math.abs(Math.floor(Date.now() / 1000) + clock.offsetS - Number(match[1])) > 300) refusal = 'too old';
      }
      const signatureValid = secret ? refusal === undefined : undefined;
      received.push({ path: req.url ?? '', body: raw.toString('utf8'), json: JSON.parse(raw.toString('utf8')), signatureValid, refusal, headers: req.headers });
      res.statusCode = refusal ? 401 : 200;
      res.end(refusal ?? 'ok');
    });
  });
  return {
    received,
    clock,
    url: async (path: string) => {
      if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as { port: number }).port}${path}`;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const event: DeployEvent = {
  event: 'succeeded',
  kind: 'deploy',
  deploymentId: 'web-staging-abc123',
  project: 'web',
  environment: 'staging',
  image: '127.0.0.1:5000/fixture/web:v2',
  digest: 'sha256:abc',
  status: 'succeeded',
  at: '2025-01-02T03:04:05.000Z',
};

describe('notify', () => {
  const signed = receiver('the-shared-secret');
  const slack = receiver();
  afterAll(async () => {
    await signed.stop();
    await slack.stop();
  });

  it('signs webhook bodies with HMAC-SHA256 and posts Slack receivers { text, blocks }', async () => {
    const receivers = [
      { type: 'webhook' as const, url: await signed.url('/hook'), secret: 'env:HOOK_SECRET' },
      // A Slack URL is a credential, so it may be a secret reference too.
      { type: 'slack' as const, url: 'env:SLACK_WEBHOOK_URL' },
    ];
    const env = { HOOK_SECRET: 'the-shared-secret', SLACK_WEBHOOK_URL: await slack.url('/services/T0/B0/xyz') };
    const activities = createNotifyActivities({ receivers, env, log: pino({ level: 'silent' }) });

    await activities.notify(event);

    expect(signed.received).toEqual([expect.objectContaining({ path: '/hook', signatureValid: true, json: event })]);
    expect(signed.received[0].headers['content-type']).toBe('application/json');
    expect(slack.received).toHaveLength(1);
    expect(slack.received[0].path).toBe('/services/T0/B0/xyz');
    expect(Object.keys(slack.received[0].json).sort()).toEqual(['blocks', 'text']);
    expect(slack.received[0].json.text).toBe(':white_check_mark: Deploy of web:v2 to staging succeeded');
    expect(slack.received[0].json.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: *Deploy of web:v2 to staging succeeded*' } });
    expect(slack.received[0].headers['x-berth-signature']).toBeUndefined();
  });

  it('signs the timestamp too: a receiver accepts a fresh delivery and refuses its replay six minutes later', async () => {
    const receivers = [{ type: 'webhook' as const, url: await signed.url('/replay'), secret: 'env:HOOK_SECRET' }];
    const activities = createNotifyActivities({ receivers, env: { HOOK_SECRET: 'the-shared-secret' }, log: pino({ level: 'silent' }) });
    await activities.notify({ ...event, deploymentId: 'web-staging-replayed' });
    const fresh = signed.received.find((hook) => hook.json.deploymentId === 'web-staging-replayed')!;
    expect(fresh.signatureValid).toBe(true);
    expect(String(fresh.headers['x-berth-signature'])).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);

    // An attacker who captured it sends the very same bytes again, six minutes later.
    signed.clock.offsetS = 360;
    const replay = await fetch(await signed.url('/replay'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-berth-signature': String(fresh.headers['x-berth-signature']) },
      body: fresh.body,
    });
    signed.clock.offsetS = 0;
    expect(replay.status).toBe(401);
    expect(signed.received.at(-1)!.refusal).toBe('too old');

    // Moving the timestamp forward breaks the signature.
    const moved = String(fresh.headers['x-berth-signature']).replace(/^t=(\d+)/, (_all, t: string) => `t=${Number(t) + 360}`);
    expect(verifySignature(moved, fresh.body, 'the-shared-secret')).toBe('mismatch');
    expect(verifySignature(String(fresh.headers['x-berth-signature']), fresh.body, 'the-shared-secret', Math.floor(Date.now() / 1000) + 360)).toBe('too_old');
    expect(verifySignature(String(fresh.headers['x-berth-signature']), fresh.body, 'the-shared-secret')).toBe('ok');
    expect(verifySignature('sha256=abc', fresh.body, 'the-shared-secret')).toBe('malformed');
  });

  it('fails (so Temporal retries) when a receiver refuses the signature', async () => {
    const other = receiver('another-secret');
    const receivers = [{ type: 'webhook' as const, url: await other.url('/hook'), secret: 'env:HOOK_SECRET' }];
    const activities = createNotifyActivities({ receivers, env: { HOOK_SECRET: 'the-shared-secret' }, log: pino({ level: 'silent' }) });
    await expect(activities.notify(event)).rejects.toThrow(/notification not delivered: webhook 127\.0\.0\.1:\d+ answered HTTP 401/);
    await other.stop();
  });
});

describe('notify configuration', () => {
  it('takes webhooks with an optional signing secret, and Slack with a URL or a secret reference to one', () => {
    const ok = (entry: unknown) => notifyEntrySchema.safeParse(entry).success;
    expect(ok({ type: 'webhook', url: 'http://127.0.0.1:9099/hook', secret: 'env:HOOK_SECRET' })).toBe(true);
    expect(ok({ type: 'slack', url: 'https://hooks.slack.com/services/T0/B0/xyz' })).toBe(true);
    expect(ok({ type: 'slack', url: 'file:/run/secrets/slack-url' })).toBe(true);
    expect(ok({ type: 'slack', url: 'hooks.slack.com' })).toBe(false);
    expect(ok({ type: 'slack', url: 'https://hooks.slack.com/x', secret: 'env:X' })).toBe(false);
    expect(ok({ type: 'teams', url: 'https://example.com' })).toBe(false);
  });
});
