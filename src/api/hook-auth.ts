import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Sender } from './registry-events';

/** What a sender presented, in the way its registry can: a header, the URL, or a signature over the body. */
export interface Presented {
  authorization?: string;
  querySecret?: string;
  signature?: string;
  rawBody?: Buffer;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();

/** Equal length first: hashing both sides makes the compare constant-time whatever was sent. */
function sameText(presented: string, secret: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(secret));
}

/**
 * Distribution: `Authorization: Bearer <secret>` (the endpoint's `headers`);
 * Docker Hub: `?secret=` in the hook URL; GitHub: `X-Hub-Signature-256`,
 * an HMAC-SHA256 of the raw body keyed with the secret.
 */
export function senderAuthenticated(sender: Sender, presented: Presented, secret: string): boolean {
  if (sender === 'github') {
    const signature = presented.signature?.match(/^sha256=([0-9a-f]{64})$/i)?.[1];
    if (!signature || !presented.rawBody) return false;
    const expected = createHmac('sha256', secret).update(presented.rawBody).digest();
    return timingSafeEqual(Buffer.from(signature.toLowerCase(), 'hex'), expected);
  }
  if (sender === 'dockerhub') return presented.querySecret !== undefined && sameText(presented.querySecret, secret);
  const bearer = presented.authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer !== undefined && sameText(bearer, secret);
}
