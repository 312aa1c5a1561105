import { readFileSync } from 'node:fs';

/** A secret is named, never written inline: `env:NAME` or `file:/path`. */
export type SecretRef = string;

export const secretRefPattern = /^(env:[A-Za-z_][A-Za-z0-9_]*|file:.+)$/;

export class SecretError extends Error {}

/**
 * Resolves a reference to its value. Only activities and process start-up call
 * this, so values never travel through workflow inputs or history.
 */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if (ref.startsWith('env:')) {
    const name = ref.slice(4);
    const value = env[name];
    if (value === undefined || value === '') throw new SecretError(`secret ${ref} is not set`);
    return value;
  }
  if (ref.startsWith('file:')) {
    const path = ref.slice(5);
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      throw new SecretError(`secret ${ref} cannot be read`);
    }
  }
  throw new SecretError(`"${ref}" is not a secret reference (env:NAME or file:/path)`);
}
