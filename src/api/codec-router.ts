import { Router, type RequestHandler } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Caller } from './auth';
import { requireScope } from './auth';
import { HttpError } from './http-error';
import { requireUnlimited } from './token-reach';
import { parseBody } from './validate';

const base64 = z.string().max(65_536).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'should be base64');

/** Temporal's remote codec protocol: payloads as JSON, metadata values and data base64. */
export const codecRequestSchema = z.strictObject({
  payloads: z
    .array(z.strictObject({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() }))
    .max(1000),
});

type JsonPayload = z.output<typeof codecRequestSchema>['payloads'][number];

function fromJson(payload: JsonPayload): Payload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, new Uint8Array(Buffer.from(value, 'base64'))]));
  return { metadata, data: new Uint8Array(Buffer.from(payload.data ?? '', 'base64')) };
}

function toJson(payload: Payload): JsonPayload {
  const metadata = Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { metadata, data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64') };
}

/**
 * CORS for the codec endpoint, mounted before authentication: the browser's
 * preflight carries no token. Only the Web UI's configured origins are let in.
 */
export function codecCors(corsOrigins: string[]): RequestHandler {
  const allowed = new Set(corsOrigins.map((origin) => new URL(origin).origin));
  return (req, res, next) => {
    if (!req.path.startsWith('/codec/')) return next();
    // A browser sends Origin on its own POSTs too (the sign-in page); this host's own origin needs no CORS.
    const origin = req.get('origin') === `${req.protocol}://${req.get('host')}` ? undefined : req.get('origin');
    if (origin !== undefined && !allowed.has(origin)) return next(new HttpError('forbidden', `origin "${origin}" may not use the codec endpoint`));
    if (origin !== undefined) {
      res.set({
        'access-control-allow-origin': origin,
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': 'authorization, content-type, x-namespace',
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

/**
 * `POST /codec/encode` and `/codec/decode` for the Web UI and the Temporal
 * CLI: the payload codec Berth's workers use, behind a `read` token that
 * reaches every project (a payload names no project before it is decoded).
 */
export function codecRouter(codec: PayloadCodec | undefined, namespace: string): Router {
  const router = Router();
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/codec/${direction}`, requireScope('read'), async (req, res) => {
      requireUnlimited(res.locals.caller as Caller, 'the codec endpoint');
      if (!codec) throw new HttpError('not_found', 'payload encryption is not configured (temporal.encryption)');
      const asked = req.get('x-namespace');
      if (asked !== undefined && asked !== namespace) throw new HttpError('invalid_request', `X-Namespace: Berth's codec serves namespace "${namespace}", not "${asked}"`);
      const { payloads } = parseBody(codecRequestSchema, req.body);
      let result: Payload[];
      try {
        result = await codec[direction](payloads.map(fromJson));
      } catch (error) {
        throw new HttpError('invalid_request', `payloads: cannot ${direction}: ${(error as Error).message}`);
      }
      res.json({ payloads: result.map(toJson) });
    });
  }
  return router;
}
