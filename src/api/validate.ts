import type { ZodType } from 'zod';
import { formatIssues } from '../config/load-config';
import { HttpError } from './http-error';

/** Parses with the same path-qualified messages as the config loader. */
export function parseBody<T>(schema: ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issues = formatIssues(result.error);
  throw new HttpError('invalid_request', issues.join('; '), issues);
}
