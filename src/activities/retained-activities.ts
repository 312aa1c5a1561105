import { upstreamFor } from '../docker/container-spec';
import type { Candidate, DeploySpec } from '../model/types';
import type { HostDeps } from './host-deps';

export interface RetainedStart {
  candidate: Candidate;
  /** A running release was not started by us, so undo must leave it running. */
  wasRunning: boolean;
}

function ignoreStatus(status: number) {
  return (error: { statusCode?: number }) => {
    if (error.statusCode !== status) throw error;
  };
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
      const retained = (await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance)).find((r) => r.release === release);
      if (!retained) return undefined;
      const wasRunning = retained.running;
      if (!wasRunning) await deps.docker.getContainer(retained.id).start().catch(ignoreStatus(304));
      logFor(spec).info({ containerId: retained.id.slice(0, 12), release, wasRunning }, 'retained release started');
      return {
        wasRunning,
        candidate: { containerId: retained.id, containerName: retained.name, port: retained.port, upstream: upstreamFor(spec, retained.name, retained.port, deps.address) },
      };
    },

    /** Undo of startRetained: the release goes back to being kept, stopped. */
    async stopRetained(spec: DeploySpec, containerId: string): Promise<void> {
      await deps.containers.stop(containerId, spec.stopTimeoutMs);
    },
  };
}
