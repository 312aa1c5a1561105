import { resolveSecret } from '../config/secrets';
import type { RegistryCredential } from '../docker/registry-api';
import type { RegistryCredentials } from './host-deps';

/** The login Berth holds for `registry`, its password resolved from its reference here, inside the activity. */
export function registryLogin(registries: RegistryCredentials, registry: string, env: NodeJS.ProcessEnv): RegistryCredential | undefined {
  const credentials = registries[registry];
  return credentials && { username: credentials.username, password: resolveSecret(credentials.password, env) };
}
