import pino from 'pino';

/** Paths whose values are secrets wherever they appear in a log line. */
export const redactPaths = ['secret', 'password', 'token', 'authorization', '*.secret', '*.password', '*.token', '*.authorization', 'headers.authorization'];

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    name: options.name ?? 'berth',
    level: options.level ?? process.env.BERTH_LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
  });
}
