import { statusOf } from '../docker/docker-api';
import { labels } from '../docker/labels';
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
  const inUse = new Set((await deps.docker.listContainers({ all: true })).map((container) => container.ImageID));
  const removed: string[] = [];
  for (const digest of digests) {
    const ref = `${repository}@${digest}`;
    const info = await deps.docker
      .getImage(ref)
      .inspect()
      .catch((error: unknown) => (statusOf(error) === 404 ? undefined : Promise.reject(error)));
    if (!info || inUse.has(info.Id)) continue;
    // By id and forced: the image also carries the tag it was deployed by, and every name must go for the space to.
    await deps.docker
      .getImage(info.Id)
      .remove({ force: true })
      .then(() => removed.push(ref))
      .catch((error: unknown) => {
        if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
        deps.log.info({ image: ref, status: statusOf(error) }, 'image not removed: gone already, or in use');
      });
  }
  return removed;
}

/** Migration containers are removed after each run; one a crash left behind, stopped, goes here. */
export async function removeStoppedOneOffs(deps: HostDeps, spec: DeploySpec): Promise<number> {
  const filters = { label: ['berth.role', `${labels.project}=${spec.project}`, `${labels.environment}=${spec.environment}`], status: ['exited', 'created', 'dead'] };
  const leftovers = await deps.docker.listContainers({ all: true, filters });
  for (const container of leftovers) await deps.containers.remove(container.Id);
  return leftovers.length;
}
