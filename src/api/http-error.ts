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
  return (error, req, res, _next) => {
    let httpError: HttpError;
    if (error instanceof HttpError) httpError = error;
    else if ((error as { type?: string }).type === 'entity.parse.failed') httpError = new HttpError('invalid_request', 'body: not valid JSON');
    else {
      log.error({ err: error, path: req.path }, 'request failed');
      httpError = new HttpError('internal', 'internal error');
    }
    res.status(httpError.status).json({ error: { code: httpError.code, message: httpError.message, details: httpError.details } });
  };
}
