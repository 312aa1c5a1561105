import { parseImageRef } from '../model/image-ref';
import type { DeploySpec, ReleaseContainer } from '../model/types';
import type { HostDeps } from './host-deps';

/**
 * After releases were pruned: removes the images of their digests that no
 * container on the host uses any more, whoever made that container. The
 * image of a retained release stays, since its stopped container uses it.
 */
export async function pruneUnusedImages(deps: HostDeps, spec: DeploySpec, pruned: ReleaseContainer[]): Promise<string[]> {
  const repository = parseImageRef(spec.image).repository;
  const digests = [...new Set(pruned.map((container) => container.digest).filter(Boolean))];
  const inUse = await deps.containers.imagesInUse();
  const removed: string[] = [];
  for (const digest of digests) {
    const ref = `${repository}@${digest}`;
    const id = await deps.images.idOf(ref);
    if (!id || inUse.has(id)) continue;
    if (await deps.images.removeById(id)) removed.push(ref);
  }
  return removed;
}

/** Migration containers are removed after each run; one a crash left behind, stopped, goes here. */
export async function removeStoppedOneOffs(deps: HostDeps, spec: DeploySpec): Promise<number> {
  const leftovers = await deps.containers.stoppedOneOffs(spec.project, spec.environment);
  for (const id of leftovers) await deps.containers.remove(id);
  return leftovers.length;
}
