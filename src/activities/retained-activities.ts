import { upstreamFor } from '../docker/container-spec';
import type { Candidate, DeploySpec } from '../model/types';
import { candidateOf, releaseContainers } from './app-release';
import type { HostDeps } from './host-deps';

export interface RetainedStart {
  candidate: Candidate;
  /** A running release was not started by us, so undo must leave it running. */
  wasRunning: boolean;
}

export function createRetainedActivities(deps: HostDeps) {
  const logFor = (spec: DeploySpec) =>
    deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });

  return {
    /**
     * Rollback: starts the retained container of `release` again. Returns
     * undefined when it was pruned, so the caller recreates it from its digest.
     */
    async startRetained(spec: DeploySpec, release: string): Promise<RetainedStart | undefined> {
      const all = await releaseContainers(deps, spec, release);
      // A release with replicas or processes comes back whole.
      if (all.some((container) => container.process !== undefined)) {
        for (const container of all.filter((c) => !c.running)) await deps.containers.start(container.id);
        logFor(spec).info({ release, containers: all.length }, 'retained release started, every process');
        return { wasRunning: all.every((c) => c.running), candidate: candidateOf(spec, all, deps.address) };
      }
      const retained = all[0];
      if (!retained) return undefined;
      const wasRunning = retained.running;
      if (!wasRunning) await deps.containers.start(retained.id);
      logFor(spec).info({ containerId: retained.id.slice(0, 12), release, wasRunning }, 'retained release started');
      return {
        wasRunning,
        candidate: { containerId: retained.id, containerName: retained.name, port: retained.port, upstream: upstreamFor(spec, retained.name, retained.port, deps.address) },
      };
    },

    /** Undo of startRetained: the release goes back to being kept, stopped. */
    async stopRetained(spec: DeploySpec, containerId: string): Promise<void> {
      const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
      const release = releases.find((r) => r.id === containerId)?.release;
      const siblings = releases.filter((r) => release !== undefined && r.release === release && r.process !== undefined && r.id !== containerId);
      for (const sibling of siblings) await deps.containers.stop(sibling.id, spec.stopTimeoutMs);
      await deps.containers.stop(containerId, spec.stopTimeoutMs);
    },
  };
}
