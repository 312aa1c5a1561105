import { ApplicationFailure } from '@temporalio/common';
import { resolveSecret } from '../config/secrets';
import { scrub, secretsOfUrl } from '../db/redact';
import type { DeploySpec } from '../model/types';
import type { RegistryCredentials } from './host-deps';
import { resolveSecretEnv } from './secret-env';

/** Shorter values would mask ordinary words; a secret that short is not one. */
const minSecretLength = 4;

/**
 * Every secret value a deploy resolves: its secret env values (and, for the
 * URLs among them, their passwords), its database URL and password, and the
 * registry passwords. A reference that does not resolve has no value to leak.
 */
export function deploySecrets(env: NodeJS.ProcessEnv, registries: RegistryCredentials, spec: Partial<Pick<DeploySpec, 'secretEnv' | 'migrations'>> | undefined): string[] {
  // The very values containers get: the env secrets resolve through the same function.
  const values = Object.values(resolveSecretEnv(spec?.secretEnv ?? {}, env).values).flatMap(secretsOfUrl);
  const refs = Object.values(registries).map((credentials) => credentials.password);
  if (spec?.migrations?.database) refs.push(spec.migrations.database);
  for (const ref of refs) {
    try {
      values.push(...secretsOfUrl(resolveSecret(ref, env)));
    } catch {
      // Unresolvable: the step that needs it fails and says so, naming only the reference.
    }
  }
  return [...new Set(values)].filter((value) => value.length >= minSecretLength);
}

/** Pure: `value` with every string in it scrubbed, through arrays and plain objects. */
export function scrubValue<T>(value: T, secrets: string[]): T {
  if (typeof value === 'string') return scrub(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubValue(item, secrets)])) as T;
  }
  return value;
}

/**
 * The failure to hand to Temporal: the original when it quotes no secret (so
 * cancellation and its kind pass unchanged), else the same kind of failure
 * with message, stack and details masked.
 */
export function scrubFailure(error: unknown, secrets: string[]): unknown {
  if (!(error instanceof Error)) return error;
  const details = error instanceof ApplicationFailure ? error.details : undefined;
  const before = JSON.stringify([error.message, error.stack, details ?? null]);
  if (scrub(before, secrets) === before) return error;
  const message = scrub(error.message, secrets);
  const clean =
    error instanceof ApplicationFailure
      ? ApplicationFailure.create({ message, type: error.type ?? undefined, nonRetryable: error.nonRetryable ?? undefined, details: scrubValue(details ?? [], secrets), nextRetryDelay: error.nextRetryDelay ?? undefined })
      : Object.assign(new Error(message), { name: error.name });
  clean.stack = scrub(error.stack ?? '', secrets);
  return clean;
}

// Activities take their own argument types; `never` admits every one of them here.
type Activity = (...args: never[]) => Promise<unknown>;

/**
 * The one place where text leaves a host activity: each activity's result and
 * failure pass through a scrubber built from the secrets of the deploy it
 * acts for (its first argument), so a log tail, an error message or
 * migration output that quotes a secret leaves with `[redacted]` instead.
 */
export function scrubbing<T extends Record<string, Activity>>(env: NodeJS.ProcessEnv, registries: RegistryCredentials, activities: T): T {
  const wrapped = Object.entries(activities).map(([name, activity]) => [
    name,
    async (...args: unknown[]) => {
      const secrets = deploySecrets(env, registries, args[0] as DeploySpec | undefined);
      try {
        return scrubValue(await activity(...(args as never[])), secrets);
      } catch (error) {
        throw scrubFailure(error, secrets);
      }
    },
  ]);
  return Object.fromEntries(wrapped) as T;
}
