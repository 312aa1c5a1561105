import type { RequestHandler } from 'express';
import { HttpError, maxBodyBytes } from './http-error';

/**
 * Refuses, before anything reads it, a body that is too big (by its declared
 * length; the JSON parser enforces the same limit on chunked bodies) or that
 * is not JSON: every body the API accepts is a JSON document.
 */
export function bodyGuard(): RequestHandler {
  return (req, _res, next) => {
    const length = Number(req.get('content-length') ?? 0);
    if (length > maxBodyBytes) return next(new HttpError('payload_too_large', `body: larger than ${maxBodyBytes} bytes`));
    const hasBody = length > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && req.method !== 'GET' && !req.is('application/json')) {
      return next(new HttpError('unsupported_media_type', `body: should be application/json, not "${req.get('content-type') ?? 'none'}"`));
    }
    next();
  };
}
