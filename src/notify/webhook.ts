import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  url: string;
  /** Resolved signing secret, when the receiver checks signatures. */
  secret?: string;
}

export const signatureHeader = 'x-berth-signature';

/** `sha256=<hex>` over the exact body bytes, as GitHub-style receivers expect. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Posts one JSON event; throws on a non-2xx answer so the caller can retry. */
export async function postWebhook(target: WebhookTarget, event: unknown, timeoutMs = 5000): Promise<void> {
  const body = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'berth' };
  if (target.secret) headers[signatureHeader] = signBody(body, target.secret);
  const host = new URL(target.url).host;
  const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) }).catch((error: Error & { cause?: { code?: string } }) => {
    // fetch says only "fetch failed"; the reason is in its cause.
    if (error.name === 'TimeoutError') throw new Error(`webhook ${host} did not answer within ${timeoutMs} ms`);
    throw new Error(`webhook ${host} unreachable: ${error.cause?.code ?? error.message}`);
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`webhook ${host} answered HTTP ${response.status}`);
}
