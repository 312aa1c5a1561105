import type { ErrorRequestHandler } from 'express';
import type { Logger } from '../logger';

export type ErrorCode = 'invalid_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

const statusOf: Record<ErrorCode, number> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
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

export function errorMiddleware(log: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    // A stream that already started cannot switch to an error body; Express closes it.
    if (res.headersSent) return next(error);
    let httpError: HttpError;
    if (error instanceof HttpError) httpError = error;
    else if ((error as { type?: string }).type === 'entity.parse.failed') httpError = new HttpError('invalid_request', 'body: not valid JSON');
    else {
      // The request's own logger carries the deployment, project and environment.
      const requestLog = res.locals.log as Logger | undefined;
      if (requestLog) requestLog.error({ err: error }, 'request failed');
      else log.error({ err: error, path: req.path }, 'request failed');
      httpError = new HttpError('internal', 'internal error');
    }
    res.status(httpError.status).json({ error: { code: httpError.code, message: httpError.message, details: httpError.details } });
  };
}
