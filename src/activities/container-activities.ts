import { resolveSecret } from '../config/secrets';
import { buildContainerOptions, upstreamFor } from '../docker/container-spec';
import { containerName, labels } from '../docker/labels';
import type { Candidate, DeploySpec, PulledImage, ReleaseContainer } from '../model/types';
import { classify } from './failures';
import type { HostDeps } from './host-deps';

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
        const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
        const existing = releases.find((release) => release.name === name);
        const port =
          spec.network === 'host'
            ? existing?.port ?? (await deps.ports.allocate(spec.portRange, await usedPorts(deps)))
            : undefined;
        const env: Record<string, string> = { ...spec.env };
        for (const [key, ref] of Object.entries(spec.secretEnv)) env[key] = resolveSecret(ref, deps.env);
        const options = buildContainerOptions({ spec, pinnedRef: image.pinnedRef, digest: image.digest, port, env });
        const { id } = await deps.containers.createAndStart(options);
        logFor(spec).info({ containerId: id.slice(0, 12), port }, 'candidate started');
        deps.faults.after('start');
        return { containerId: id, containerName: name, port, upstream: upstreamFor(spec, name, port, deps.address) };
      });
    },

    /** Restarts a promoted release after a daemon or host restart. */
    async promoteCandidate(spec: DeploySpec, candidate: Candidate): Promise<void> {
      await deps.containers.setRestartPolicy(candidate.containerId, 'unless-stopped');
      logFor(spec).info({ containerId: candidate.containerId.slice(0, 12) }, 'candidate promoted');
    },

    /** Removes this deploy's candidate, running or stopped; safe when there is none. */
    async removeCandidate(spec: DeploySpec): Promise<void> {
      await deps.faults.before('remove-candidate');
      await deps.containers.remove(containerName(spec.deploymentId));
      logFor(spec).info({ container: containerName(spec.deploymentId) }, 'candidate removed');
    },

    /**
     * Stops every other running release of the environment (kept for
     * rollback), then removes the oldest stopped ones beyond `keep`.
     */
    async retireReleases(spec: DeploySpec, keepRelease: string): Promise<RetireResult> {
      await deps.faults.before('retire');
      const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
      const others = releases.filter((release) => release.release !== keepRelease);
      const stopped: string[] = [];
      for (const release of others.filter((r) => r.running)) {
        await deps.containers.stop(release.id, spec.stopTimeoutMs);
        stopped.push(release.release);
      }
      const removed: string[] = [];
      for (const release of others.slice(Math.max(0, spec.keep - 1))) {
        await deps.containers.remove(release.id);
        removed.push(release.release);
      }
      logFor(spec).info({ stopped, removed }, 'previous releases retired');
      return { stopped, removed };
    },
  };
}

/** Ports of every Berth container on the host, stopped ones too: a retained release gets its port back on rollback. */
export async function usedPorts(deps: HostDeps): Promise<number[]> {
  const containers = await deps.docker.listContainers({ all: true, filters: { label: [`${labels.managed}=true`] } });
  return containers.map((c) => Number(c.Labels[labels.port])).filter((port) => Number.isInteger(port));
}
