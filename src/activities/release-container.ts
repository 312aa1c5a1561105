import { buildContainerOptions } from '../docker/container-spec';
import { webProcess, type ContainerRole } from '../model/app-types';
import type { DeploySpec, PulledImage } from '../model/types';
import type { HostDeps } from './host-deps';
import { containerEnv } from './secret-env';

export interface ReleaseContainerInput {
  spec: DeploySpec;
  image: PulledImage;
  /** The release the container runs; the spec's own deployment unless a reconcile recreates an older one. */
  release?: string;
  /** Host port to keep (a retry's, or the one the route points at); a free one is allocated otherwise. */
  port?: number;
  /** Which container of a release with replicas or processes; web replica 0 when absent. */
  role?: ContainerRole;
  /** Resolved env, when the caller resolved it once for several containers. */
  env?: Record<string, string>;
}

/**
 * Creates and starts a release's container, idempotent by name: the deploy's
 * start and reconcile's recreate both come here, so both build it the same way.
 */
export async function startReleaseContainer(deps: HostDeps, input: ReleaseContainerInput): Promise<{ id: string; port?: number }> {
  const { spec, image } = input;
  const env = input.env ?? containerEnv(spec, deps.env);
  // Background processes take no traffic, so they get no port.
  const web = (input.role?.process ?? webProcess) === webProcess;
  const port = spec.network === 'host' && web ? (input.port ?? (await deps.ports.allocate(spec.portRange, await deps.containers.managedPorts()))) : undefined;
  const options = buildContainerOptions({ spec, release: input.release, pinnedRef: image.pinnedRef, digest: image.digest, port, env, role: input.role });
  const { id } = await deps.containers.createAndStart(options);
  return { id, port };
}
