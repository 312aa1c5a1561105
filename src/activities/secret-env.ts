import { resolveSecret, SecretError, type SecretRef } from '../config/secrets';
import { PermanentError } from '../model/errors';
import { failureTypes } from '../model/failures';
import type { DeploySpec } from '../model/types';

/** What a deploy's secret env references come to on this host. */
export interface ResolvedSecretEnv {
  /** Values by variable name. Never logged, never returned. */
  values: Record<string, string>;
  /** Why each of the others did not resolve, naming only its reference. */
  unresolved: Record<string, string>;
}

/**
 * The one place where secret env references (`env:NAME`, `file:/path`)
 * become values. Releases, recreated releases and one-off containers get
 * their env from here, and the scrubber masks what it returns.
 */
export function resolveSecretEnv(secretEnv: Record<string, SecretRef>, env: NodeJS.ProcessEnv): ResolvedSecretEnv {
  const resolved: ResolvedSecretEnv = { values: {}, unresolved: {} };
  for (const [key, ref] of Object.entries(secretEnv)) {
    try {
      resolved.values[key] = resolveSecret(ref, env);
    } catch (error) {
      if (!(error instanceof SecretError)) throw error;
      resolved.unresolved[key] = error.message;
    }
  }
  return resolved;
}

/**
 * A container's env: the spec's plain env with its secrets resolved. A
 * reference that does not resolve here will not on a retry either, so it
 * fails permanently, naming the variable and the reference, never a value.
 */
export function containerEnv(spec: Pick<DeploySpec, 'env' | 'secretEnv'>, env: NodeJS.ProcessEnv): Record<string, string> {
  const { values, unresolved } = resolveSecretEnv(spec.secretEnv, env);
  const [key, problem] = Object.entries(unresolved)[0] ?? [];
  if (key !== undefined) throw new PermanentError(failureTypes.secretUnresolved, `secrets.${key}: ${problem}`);
  return { ...spec.env, ...values };
}
