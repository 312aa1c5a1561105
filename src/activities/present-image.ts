import { RegistryApi } from '../docker/registry-api';
import { parseImageRef } from '../model/image-ref';
import type { PulledImage } from '../model/types';
import type { HostDeps } from './host-deps';
import { registryLogin } from './registry-login';

/**
 * What a pull would pin, when the host has that image already: the digest the
 * reference names, or for a tag the digest the registry answers for it now (one
 * manifest HEAD instead of Docker's pull round trips). Undefined when the host
 * lacks it or anything is in doubt (registry errors included): then Docker pulls,
 * and reports any problem, as it always did.
 */
export async function presentImage(deps: HostDeps, ref: string): Promise<PulledImage | undefined> {
  try {
    const { registry, path, repository, tag, digest: named } = parseImageRef(ref);
    const api = () => new RegistryApi(registry, registryLogin(deps.registries, registry, deps.env));
    const digest = named ?? (await api().digestOf(path, tag ?? 'latest'));
    if (!digest) return undefined;
    const pinnedRef = `${repository}@${digest}`;
    return (await deps.images.idOf(pinnedRef)) === undefined ? undefined : { pinnedRef, digest };
  } catch {
    return undefined;
  }
}
