import { upstreamFor } from '../docker/container-spec';
import type { DeploySpec } from '../model/types';
import type { HostDeps } from './host-deps';

export function createProxyActivities(deps: HostDeps) {
  return {
    /** The upstream the environment's route points at now, if it has one. */
    async readRoute(spec: DeploySpec): Promise<string | undefined> {
      return deps.proxy.currentUpstream(spec.project, spec.environment);
    },

    /** What serves the environment now, for the approval notification's diff. */
    async describeCurrent(spec: DeploySpec): Promise<{ release: string; image: string; digest: string } | undefined> {
      const upstream = await deps.proxy.currentUpstream(spec.project, spec.environment);
      if (!upstream) return undefined;
      const releases = await deps.containers.listReleases(spec.project, spec.environment);
      const serving = releases.find((release) => release.running && upstreamFor(spec, release.name, release.port) === upstream);
      return serving && { release: serving.release, image: serving.image, digest: serving.digest };
    },

    async switchRoute(spec: DeploySpec, upstream: string): Promise<void> {
      await deps.faults.before('switch');
      await deps.proxy.switchRoute({ project: spec.project, environment: spec.environment, hostname: spec.hostname, upstream });
      deps.faults.after('switch');
    },

    /** Puts the route back as it was before this deploy: the old upstream, or no route. */
    async restoreRoute(spec: DeploySpec, upstream: string | undefined): Promise<void> {
      if (upstream) await deps.proxy.switchRoute({ project: spec.project, environment: spec.environment, hostname: spec.hostname, upstream });
      else await deps.proxy.removeRoute(spec.project, spec.environment);
    },
  };
}
