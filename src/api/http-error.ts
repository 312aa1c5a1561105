import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger';

export type ErrorCode =
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unavailable'
  | 'internal';

const statusOf: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  internal: 500,
};

/** Every code, for the OpenAPI document's error schema. */
export const errorCodes = Object.keys(statusOf) as [ErrorCode, ...ErrorCode[]];

/** An error the API answers with as `{ error: { code, message, details } }`. */
export class HttpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get status(): number {
    return statusOf[this.code];
  }
}

/** What Express's and body-parser's own errors mean to a client; undefined for anything else. */
function clientError(error: { type?: string; status?: number; limit?: number; message?: string }): HttpError | undefined {
  if (error.type === 'entity.parse.failed') return new HttpError('invalid_request', 'body: not valid JSON');
  if (error.type === 'entity.too.large') return new HttpError('payload_too_large', `body: larger than ${error.limit ?? maxBodyBytes} bytes`);
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return new HttpError('unsupported_media_type', 'body: should be UTF-8 JSON');
  // The router refuses a path parameter that is not valid percent-encoding with a plain URIError and status 400.
  if (error instanceof URIError) return new HttpError('invalid_request', 'path: not valid percent-encoding');
  if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) return new HttpError('invalid_request', `request: ${error.type ?? error.message ?? 'refused'}`);
  return undefined;
}

/** Bodies are small JSON documents; anything bigger is refused before it is parsed. */
export const maxBodyBytes = 64 * 1024;

/** gRPC codes that mean Temporal did not answer in time or at all. */
const unavailableCodes = new Set([4, 14]);

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    // A stream that already started cannot switch to an error body; Express closes it.
    if (res.headersSent) return next(error);
    const requestLog = (res.locals.log as Logger | undefined) ?? log.child({ method: req.method, path: req.path });
    let httpError: HttpError;
    if (error instanceof HttpError) httpError = error;
    else if (clientError(error)) httpError = clientError(error)!;
    else {
      // The request's own logger carries the deployment, project and environment.
      requestLog.error({ err: error }, 'request failed');
      httpError = unavailableCodes.has((error as { code?: number }).code ?? -1)
        ? new HttpError('unavailable', 'Temporal did not answer in time; try again')
        : new HttpError('internal', 'internal error');
    }
    if (httpError.status === 401 || httpError.status === 403) {
      // Who knocked and where; never the presented token, which may be a real one mistyped.
      requestLog.warn({ callerAddress: req.socket.remoteAddress, route: `${req.method} ${req.path}`, code: httpError.code }, 'request refused');
    }
    res.status(httpError.status).json({ error: { code: httpError.code, message: httpError.message, details: httpError.details } });
  };
}
