import type { DeploySpec } from '../model/types';
import type { PreviewProbe, PreviewRemoval } from '../model/preview-types';
import type { RouteTarget } from '../proxy/driver';
import { splitUpstreams } from '../model/upstream-list';
import { classify } from './failures';
import type { HostDeps } from './host-deps';
import { SwitchNotVisibleError, verifyThroughProxy, type ProbedName } from './verify-through-proxy';

/** Activities only preview instances use: the default name, and removing an instance from the world. */
export function createPreviewActivities(deps: HostDeps) {
  // Two instances finishing at once would both find no default route and both create one (Caddy would
  // then hold two routes for one name); changes to it go one at a time in this worker, each point
  // verified before the next one starts, so two deploys never verify against each other.
  let defaultRouteChanges: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const next = defaultRouteChanges.then(change, change);
    defaultRouteChanges = next.catch(() => undefined);
    return next;
  };

  /**
   * Points the default name and waits until the proxy serves it from those
   * upstreams, as a switch does. When the check times out because another
   * worker has pointed the name elsewhere meanwhile, that later point stands.
   */
  async function pointVerified(route: RouteTarget, upstreams: string[], probe: ProbedName, requireHealthy: boolean): Promise<void> {
    await deps.proxy.point(route, upstreams);
    try {
      await verifyThroughProxy(deps, probe, upstreams, { requireHealthy });
    } catch (error) {
      const now = (await deps.proxy.currentUpstreams(route)) ?? [];
      if (error instanceof SwitchNotVisibleError && now.join(',') !== upstreams.join(',')) {
        deps.log.info({ hostname: route.hostname, upstreams, now }, 'default name pointed elsewhere meanwhile');
        return;
      }
      throw error;
    }
  }

  return {
    /**
     * The environment's default name serves the instance deployed last,
     * verified through the proxy like the instance's own switch: the deploy's
     * end means the default name answers with this release.
     */
    async pointDefaultRoute(spec: DeploySpec, upstream: string): Promise<void> {
      const preview = spec.preview;
      if (!preview) return;
      const route = { project: spec.project, environment: spec.environment, hostname: preview.defaultHostname };
      const probe = { hostname: preview.defaultHostname, health: spec.health };
      await classify(() => oneAtATime(() => pointVerified(route, splitUpstreams(upstream), probe, true)));
    },

    /**
     * Removes every container of the instance (running or kept) and its route.
     * When the default name pointed at it, it moves to the upstreams of the
     * most recently deployed instance left that is routed (verified through
     * the proxy when the removal carries a probe), or goes when there is none.
     * Idempotent.
     */
    async removePreviewInstance(removal: PreviewRemoval): Promise<{ containers: string[] }> {
      const { project, environment, instance } = removal;
      const releases = await deps.containers.listReleases(project, environment, instance);
      const instanceRoute = { project, environment, instance, hostname: removal.hostname };
      const served = (await deps.proxy.currentUpstreams(instanceRoute)) ?? [];
      await deps.proxy.remove(instanceRoute);
      const defaultRoute = { project, environment, hostname: removal.defaultHostname };
      const byDefault = (await deps.proxy.currentUpstreams(defaultRoute)) ?? [];
      if (served.length > 0 && byDefault.join(',') === served.join(',')) {
        const successor = await firstRouted(project, environment, removal.successors ?? (removal.successor ? [removal.successor] : []));
        await oneAtATime(() => (successor ? moveDefault(defaultRoute, successor, removal.probe) : deps.proxy.remove(defaultRoute)));
      }
      for (const release of releases) await deps.containers.remove(release.id);
      deps.log.info({ project, environment, instance, containers: releases.map((r) => r.name) }, 'preview instance removed');
      return { containers: releases.map((r) => r.name) };
    },
  };

  /** The upstreams of the first of `instances` whose own route exists. */
  async function firstRouted(project: string, environment: string, instances: Array<{ instance: string; hostname: string }>): Promise<string[] | undefined> {
    for (const next of instances) {
      const upstreams = await deps.proxy.currentUpstreams({ project, environment, ...next });
      if (upstreams?.length) return upstreams;
    }
    return undefined;
  }

  /** The successor already serves its own name; only the default name's route must be live on it. */
  async function moveDefault(route: RouteTarget, upstreams: string[], probe: PreviewProbe | undefined): Promise<void> {
    if (!probe) return deps.proxy.point(route, upstreams);
    await pointVerified(route, upstreams, { hostname: route.hostname, health: probe }, false);
  }
}
