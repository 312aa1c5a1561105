import { createHmac, timingSafeEqual } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  /** Resolved signing secret, when the receiver checks signatures. */
  secret?: string;
}

export const signatureHeader = 'x-berth-signature';

/** How old a signed delivery a receiver should still accept; older ones are replays. */
export const signatureToleranceSeconds = 300;

function mac(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex>`: HMAC-SHA256 over `<t>.<body>`, so a captured
 * delivery cannot be replayed later with its timestamp changed.
 */
export function signBody(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)): string {
  return `t=${timestamp},v1=${mac(secret, timestamp, body)}`;
}

/** What a receiver does: `ok`, or why the delivery is refused. */
export function verifySignature(header: string | undefined, body: string, secret: string, now = Math.floor(Date.now() / 1000), toleranceSeconds = signatureToleranceSeconds): 'ok' | 'malformed' | 'mismatch' | 'too_old' {
  const parts = Object.fromEntries((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string]));
  const timestamp = Number(parts.t);
  if (!/^\d{1,12}$/.test(parts.t ?? '') || !/^[0-9a-f]{64}$/.test(parts.v1 ?? '')) return 'malformed';
  const expected = Buffer.from(mac(secret, timestamp, body), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(parts.v1, 'hex'))) return 'mismatch';
  return Math.abs(now - timestamp) > toleranceSeconds ? 'too_old' : 'ok';
}

/** Posts one JSON event; throws on a non-2xx answer so the caller can retry. Each attempt is signed afresh. */
export async function postWebhook(target: WebhookTarget, event: unknown, timeoutMs = 5000): Promise<void> {
  const body = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'berth' };
  if (target.secret) headers[signatureHeader] = signBody(body, target.secret);
  const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`webhook ${new URL(target.url).host} answered HTTP ${response.status}`);
}
