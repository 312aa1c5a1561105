import { z } from 'zod';
import { parseDurationMs } from './duration';
import { secretRefPattern } from './secrets';

/**
 * Field schemas shared by the config sections: the same wording as schema.ts,
 * which can import these instead of its private copies.
 */
export const duration = z.string().transform((text, ctx) => {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 200ms, 2s, 5m or 1h` });
    return z.NEVER;
  }
  return ms;
});

export const secretRef = z.string().regex(secretRefPattern, 'should be a secret reference: env:NAME or file:/path');

export const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'should be an environment variable name');
