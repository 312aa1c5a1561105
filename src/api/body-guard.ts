import type { RequestHandler } from 'express';
import { HttpError, maxBodyBytes } from './http-error';

/** What a Distribution registry's notifications are sent as; only the registry hook accepts it. */
export const distributionEvents = 'application/vnd.docker.distribution.events.v1+json';

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
    const accepted = req.is('application/json') || (req.path.startsWith('/v1/hooks/registry/') && req.is(distributionEvents));
    if (hasBody && req.method !== 'GET' && !accepted) {
      return next(new HttpError('unsupported_media_type', `body: should be application/json${req.path.startsWith('/v1/hooks/registry/') ? ` or ${distributionEvents}` : ''}, not "${req.get('content-type') ?? 'none'}"`));
    }
    next();
  };
}
