import { z } from 'zod';
import { parseDurationMs } from './duration';
import { secretRefPattern } from './secrets';

/** Field schemas shared by the config sections, so each problem is worded one way. */
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

export const hostPort = z.string().transform((text, ctx) => {
  const match = text.match(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `"${text}" should be host:port` });
    return z.NEVER;
  }
  return { host: match[1].replace(/^\[|\]$/g, ''), port };
});

export const portRange = z.string().transform((text, ctx) => {
  const match = text.match(/^(\d{1,5})-(\d{1,5})$/);
  const from = match ? Number(match[1]) : NaN;
  const to = match ? Number(match[2]) : NaN;
  if (!match || from < 1024 || to > 65535 || from > to) {
    ctx.addIssue({ code: 'custom', message: `"${text}" should be a port range like 21000-21999 within 1024-65535` });
    return z.NEVER;
  }
  return { from, to };
});

/** Project, environment and host names: they end up in container names, task queues and route ids. */
export const name = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'should be lowercase letters, digits and dashes');
