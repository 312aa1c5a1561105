import { Context } from '@temporalio/activity';
import { buildContainerOptions } from '../docker/container-spec';
import { parseImageRef } from '../model/image-ref';
import type { ReleaseSummary } from '../model/owner-types';
import { webProcess, type ContainerRole } from '../model/app-types';
import type { DeploySpec, PulledImage, ReleaseContainer } from '../model/types';
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

/**
 * Reconciliation's recreate: one missing container of the desired release,
 * pulled by its recorded digest, with its old port when it had one, promoted
 * like the original (restart unless-stopped), read back as a listed release.
 */
export async function recreateReleaseContainer(deps: HostDeps, spec: DeploySpec, desired: ReleaseSummary, port: number | undefined, role?: ContainerRole): Promise<ReleaseContainer> {
  const pinnedRef = `${parseImageRef(spec.image).repository}@${desired.digest}`;
  const image = await deps.images.pull(pinnedRef, { onProgress: () => Context.current().heartbeat() });
  const { id } = await startReleaseContainer(deps, { spec, image, release: desired.release, port, role });
  await deps.containers.setRestartPolicy(id, 'unless-stopped');
  return (await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance)).find((r) => r.id === id)!;
}
