import { PermanentError, RetryableError } from '../model/errors';
import type { FailureDetails } from '../model/failures';

const mask = '[redacted]';

/**
 * The strings that would give a database URL's secret away: the URL itself,
 * its password raw and percent-decoded, and its `user:password@` part.
 */
export function secretsOfUrl(url: string): string[] {
  const found = [url];
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      found.push(parsed.password, decodeURIComponent(parsed.password), `${parsed.username}:${parsed.password}@`);
    }
  } catch {
    // Not a URL: the whole string is all there is to hide.
  }
  return found;
}

/** Pure: `text` with every occurrence of every secret replaced; longest first, so no fragment survives. */
export function scrub(text: string, secrets: string[]): string {
  let clean = text;
  for (const secret of [...new Set(secrets)].filter((s) => s.length > 0).sort((a, b) => b.length - a.length)) {
    clean = clean.split(secret).join(mask);
  }
  return clean;
}

/**
 * An error safe to log and to hand to Temporal: the error itself when it
 * quotes no secret, else one with the same message and class of problem,
 * secrets masked in message and stack. Driver errors can quote what
 * they were given (Node's URL parser keeps the whole input), so nothing
 * original travels on.
 */
export function scrubError(error: unknown, secrets: string[]): Error {
  if (error instanceof Error && error.cause === undefined) {
    const details = error instanceof PermanentError || error instanceof RetryableError ? error.details : undefined;
    const texts = [error.message, error.stack ?? '', ...Object.values(details ?? {})];
    if (texts.every((text) => scrub(text, secrets) === text)) return error;
  }
  const message = scrub(error instanceof Error ? error.message : String(error), secrets);
  const clean =
    error instanceof PermanentError ? new PermanentError(error.code, message, scrubDetails(error.details, secrets))
    : error instanceof RetryableError ? new RetryableError(error.code, message, scrubDetails(error.details, secrets))
    : new Error(message);
  if (error instanceof Error) clean.stack = scrub(error.stack ?? '', secrets);
  return clean;
}

function scrubDetails(details: FailureDetails | undefined, secrets: string[]): FailureDetails | undefined {
  return details && (Object.fromEntries(Object.entries(details).map(([key, value]) => [key, scrub(value, secrets)])) as unknown as FailureDetails);
}

/** Runs `fn`; whatever it throws leaves with its secrets masked. */
export async function withScrubbedErrors<T>(secrets: string[], fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw scrubError(error, secrets);
  }
}
