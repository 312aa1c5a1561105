import { upstreamFor } from '../docker/container-spec';
import type { DeploySpec } from '../model/types';
import { joinUpstreams, splitUpstreams } from '../model/upstream-list';
import { classify } from './failures';
import type { HostDeps } from './host-deps';
import { verifyThroughProxy } from './verify-through-proxy';

/** A preview instance's own route; otherwise the environment's. */
export const routeOf = (spec: DeploySpec) => ({ project: spec.project, environment: spec.environment, hostname: spec.hostname, ...(spec.preview && { instance: spec.preview.instance }) });

export function createProxyActivities(deps: HostDeps) {
  return {
    /** The upstreams the environment's route points at now (comma-separated when several), if it has one. */
    async readRoute(spec: DeploySpec): Promise<string | undefined> {
      const upstreams = await deps.proxy.currentUpstreams(routeOf(spec));
      return upstreams?.length ? joinUpstreams(upstreams) : undefined;
    },

    /** What serves the environment now, for the approval notification's diff. */
    async describeCurrent(spec: DeploySpec): Promise<{ release: string; image: string; digest: string } | undefined> {
      // Replica 0 stands for a release with several.
      const upstream = (await deps.proxy.currentUpstreams(routeOf(spec)))?.[0];
      if (!upstream) return undefined;
      const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
      const serving = releases.find((release) => release.running && upstreamFor(spec, release.name, release.port, deps.address) === upstream);
      return serving && { release: serving.release, image: serving.image, digest: serving.digest };
    },

    /** Points the hostname at the candidate (every replica at once) and returns once the proxy itself serves it. */
    async switchRoute(spec: DeploySpec, upstream: string): Promise<void> {
      await classify(async () => {
        await deps.faults.before('switch');
        await deps.proxy.point(routeOf(spec), splitUpstreams(upstream));
        await verifyThroughProxy(deps, spec, splitUpstreams(upstream), { requireHealthy: true });
        deps.faults.after('switch');
      });
    },

    /** Puts the route back as it was before this deploy: the old upstream, or no route. */
    async restoreRoute(spec: DeploySpec, upstream: string | undefined): Promise<void> {
      await classify(async () => {
        if (!upstream) return deps.proxy.remove(routeOf(spec));
        await deps.proxy.point(routeOf(spec), splitUpstreams(upstream));
        await verifyThroughProxy(deps, spec, splitUpstreams(upstream), { requireHealthy: false });
      });
    },
  };
}
