import type { DeploySpec } from '../model/types';
import type { PreviewRemoval } from '../model/preview-types';
import { classify } from './failures';
import type { HostDeps } from './host-deps';

/** Activities only preview instances use: the default name, and removing an instance from the world. */
export function createPreviewActivities(deps: HostDeps) {
  // Two instances finishing at once would both find no default route and both create one (Caddy would
  // then hold two routes for one name); changes to it go one at a time in this worker.
  let defaultRouteChanges: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const next = defaultRouteChanges.then(change, change);
    defaultRouteChanges = next.catch(() => undefined);
    return next;
  };

  return {
    /**
     * The environment's default name serves the instance deployed last. Not
     * verified through the proxy as a switch is: two instances finishing at
     * once both point it, and the later one rightly wins; a verify would make
     * them retry against each other.
     */
    async pointDefaultRoute(spec: DeploySpec, upstream: string): Promise<void> {
      const preview = spec.preview;
      if (!preview) return;
      await classify(() => oneAtATime(() => deps.proxy.point({ project: spec.project, environment: spec.environment, hostname: preview.defaultHostname }, [upstream])));
    },

    /**
     * Removes every container of the instance (running or kept) and its route.
     * When the default name pointed at it, it moves to the successor's
     * upstreams, or goes when there is none. Idempotent.
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
        const successor = removal.successor && (await deps.proxy.currentUpstreams({ project, environment, ...removal.successor }));
        await oneAtATime(() => (successor?.length ? deps.proxy.point(defaultRoute, successor) : deps.proxy.remove(defaultRoute)));
      }
      for (const release of releases) await deps.containers.remove(release.id);
      deps.log.info({ project, environment, instance, containers: releases.map((r) => r.name) }, 'preview instance removed');
      return { containers: releases.map((r) => r.name) };
    },
  };
}
