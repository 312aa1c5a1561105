import { upstreamFor } from '../docker/container-spec';
import { containerName } from '../docker/labels';
import type { Candidate, DeploySpec, PulledImage, ReleaseContainer } from '../model/types';
import { candidateIds, releaseContainers, startRelease } from './app-release';
import { pruneUnusedImages, removeStoppedOneOffs } from './disk-hygiene';
import { classify } from './failures';
import type { HostDeps } from './host-deps';
import { startReleaseContainer } from './release-container';
import { containerEnv } from './secret-env';

export interface RetireResult {
  stopped: string[];
  removed: string[];
}

export function createContainerActivities(deps: HostDeps) {
  const logFor = (spec: DeploySpec) =>
    deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });

  return {
    async listReleases(spec: DeploySpec): Promise<ReleaseContainer[]> {
      return deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
    },

    /**
     * Starts the candidate beside the current release. Idempotent by container
     * name, so a retry after a crash adopts the container it already made.
     */
    async startCandidate(spec: DeploySpec, image: PulledImage): Promise<Candidate> {
      return classify(async () => {
        await deps.faults.before('start');
        const name = containerName(spec.deploymentId);
        if (spec.app) return await startRelease(deps, { ...spec, app: spec.app }, image, containerEnv(spec, deps.env));
        const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
        // A retry after a crash keeps the port its first attempt's container has.
        const existing = releases.find((release) => release.name === name);
        const { id, port } = await startReleaseContainer(deps, { spec, image, port: existing?.port });
        logFor(spec).info({ containerId: id.slice(0, 12), port }, 'candidate started');
        deps.faults.after('start');
        return { containerId: id, containerName: name, port, upstream: upstreamFor(spec, name, port, deps.address) };
      });
    },

    /** Restarts a promoted release after a daemon or host restart. */
    async promoteCandidate(spec: DeploySpec, candidate: Candidate): Promise<void> {
      for (const id of candidateIds(candidate)) await deps.containers.setRestartPolicy(id, 'unless-stopped');
      logFor(spec).info({ containerId: candidate.containerId.slice(0, 12) }, 'candidate promoted');
    },

    /** Removes this deploy's candidate, running or stopped; safe when there is none. */
    async removeCandidate(spec: DeploySpec): Promise<void> {
      await deps.faults.before('remove-candidate');
      await deps.containers.remove(containerName(spec.deploymentId));
      // Replicas and processes carry the release label; the first container is found by name, as before.
      if (spec.app) for (const container of await releaseContainers(deps, spec, spec.deploymentId)) await deps.containers.remove(container.id);
      logFor(spec).info({ container: containerName(spec.deploymentId) }, 'candidate removed');
    },

    /**
     * Stops every other running release of the environment (kept for
     * rollback), then removes the oldest stopped ones beyond `keep`, whole
     * releases (every process and replica), and with them the images no
     * container uses any more and migration containers a crash left behind.
     */
    async retireReleases(spec: DeploySpec, keepRelease: string): Promise<RetireResult> {
      await deps.faults.before('retire');
      const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
      const others = releases.filter((release) => release.release !== keepRelease);
      const stopped: string[] = [];
      for (const release of others.filter((r) => r.running)) {
        await deps.containers.stop(release.id, spec.stopTimeoutMs);
        if (!stopped.includes(release.release)) stopped.push(release.release);
      }
      // Newest first, so the releases beyond keep are the tail of this list.
      const otherReleases = [...new Set(others.map((r) => r.release))];
      const removed = otherReleases.slice(Math.max(0, spec.keep - 1));
      for (const release of others.filter((r) => removed.includes(r.release))) await deps.containers.remove(release.id);
      const images = removed.length > 0 ? await pruneUnusedImages(deps, spec, others.filter((r) => removed.includes(r.release))) : [];
      const oneOffs = await removeStoppedOneOffs(deps, spec);
      logFor(spec).info({ stopped, removed, images, oneOffs }, 'previous releases retired');
      return { stopped, removed };
    },
  };
}
