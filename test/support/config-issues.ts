import { ConfigError, parseConfig } from '../../src/config/load-config';

/** The path-qualified issues parseConfig reports for `raw`; fails the test when it accepts it. */
export function configIssues(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
