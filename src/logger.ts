import pino from 'pino';

/**
 * Paths whose values are secrets wherever they appear in a log line: at the
 * top, one level down, and in headers of a logged request or response.
 */
export const redactPaths = [
  'secret',
  'password',
  'token',
  'authorization',
  'cookie',
  '*.secret',
  '*.password',
  '*.token',
  '*.authorization',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  // Outgoing requests may spell it capitalised; incoming headers are always lower case.
  'headers.Authorization',
  '*.headers.Authorization',
];

export type Logger = pino.Logger;

export function createLogger(options: { level?: string; name?: string } = {}, destination?: pino.DestinationStream): Logger {
  const settings = {
    name: options.name ?? 'berth',
    level: options.level ?? process.env.BERTH_LOG_LEVEL ?? 'info',
    redact: { paths: redactPaths, censor: '[redacted]' },
  };
  return destination ? pino(settings, destination) : pino(settings);
}
