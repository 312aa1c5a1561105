import { isDeepStrictEqual } from 'node:util';
import type { Logger } from '../../logger';
import { formatListen } from '../../model/listen';
import { querySrvMany, querySrvUpstreams } from '../dns/dns-query';
import { srvName, srvTargets } from '../dns/upstream-names';
import { removeUpstreams, writeUpstreams } from '../dns/upstream-state';
import type { OwnedRoute, RouteKey, RouteTarget } from '../driver';
import type { CaddyClient } from './caddy-client';
import { buildRoute, dynamicNameOf, hostnameOf, routeId, upstreamsOf, type CaddyRoute, type DynamicUpstreams } from './caddy-routes';

/** The upstream responder Berth's Caddy routes ask, and the directory it answers from. */
export interface UpstreamDnsConfig {
  address: { host: string; port: number };
  stateDir: string;
  /** How long Caddy reuses an answer; a switch takes effect within it. */
  refresh?: string;
  /** How long a switch waits for the responder to answer the new upstreams before writing them into the route. */
  confirmTimeoutMs?: number;
}

/**
 * Caddy routes whose upstreams come from the upstream responder. A switch
 * of an existing route writes the responder's state file and changes no
 * Caddy config, so Caddy never rebuilds its servers and never closes a
 * kept-alive client connection. Creating or removing a route, upstreams
 * that are not IPv4:port, and a responder that does not answer fall back
 * to writing the route (a reload), so traffic always moves.
 */
export class CaddyDynamicRoutes {
  constructor(
    private readonly client: CaddyClient,
    private readonly config: UpstreamDnsConfig,
    private readonly log: Logger,
  ) {}

  async point(target: RouteTarget, upstreams: string[]): Promise<void> {
    const name = srvName(routeId(target));
    const dynamic = srvTargets(upstreams) ? this.dynamicOf(name) : undefined;
    if (!dynamic) {
      await this.client.switchRoute(target, upstreams);
      removeUpstreams(this.config.stateDir, name);
      return;
    }
    // The state first: a route created next finds its upstreams at once, and a crash here is repaired by the retry.
    writeUpstreams(this.config.stateDir, name, upstreams);
    const existing = await this.client.route(target);
    if (existing && hostnameOf(existing) === target.hostname && isDeepStrictEqual(existing, buildRoute(target, upstreamsOf(existing) ?? [], dynamic))) {
      if (await this.confirmed(name, upstreams)) {
        this.log.info({ routeId: routeId(target), upstreams }, 'switched proxy route through the upstream responder');
        return;
      }
      this.log.warn({ routeId: routeId(target), upstreams, responder: formatListen(this.config.address) }, 'upstream responder did not confirm the switch; writing the upstreams into the route');
    }
    await this.client.switchRoute(target, upstreams, dynamic);
  }

  /** What the route serves: the responder's answer, or (when it does not answer) the route's own fallback upstreams. */
  async currentUpstreams(key: RouteKey): Promise<string[] | undefined> {
    const route = await this.client.route(key);
    return route === undefined ? undefined : this.servedBy(route);
  }

  async remove(key: RouteKey): Promise<void> {
    await this.client.removeRoute(key);
    removeUpstreams(this.config.stateDir, srvName(routeId(key)));
  }

  async listOwned(): Promise<OwnedRoute[]> {
    const owned = await this.client.listOwned();
    // One socket for all of them: a host sweep lists every route each minute.
    const answers = await querySrvMany(this.config.address, owned.flatMap(({ route }) => dynamicNameOf(route) ?? []), 500);
    return owned.map(({ route, ...rest }) => {
      const name = dynamicNameOf(route);
      return { ...rest, upstreams: servedFrom(route, name ? answers.get(name) : undefined) ?? [] };
    });
  }

  private dynamicOf(name: string): DynamicUpstreams {
    return { name, resolver: formatListen(this.config.address), refresh: this.config.refresh ?? '50ms' };
  }

  private async servedBy(route: CaddyRoute): Promise<string[] | undefined> {
    const name = dynamicNameOf(route);
    if (!name) return upstreamsOf(route);
    return servedFrom(route, await querySrvUpstreams(this.config.address, name, 500));
  }

  private async confirmed(name: string, upstreams: string[]): Promise<boolean> {
    const want = [...upstreams].sort();
    const deadline = Date.now() + (this.config.confirmTimeoutMs ?? 2000);
    while (Date.now() < deadline) {
      const answered = await querySrvUpstreams(this.config.address, name, 300);
      if (answered && isDeepStrictEqual([...answered].sort(), want)) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }
}

/** What a dynamic route serves: the responder's answer, or the route's static fallback when it has none (as Caddy does). */
function servedFrom(route: CaddyRoute, answered: string[] | undefined): string[] | undefined {
  return answered?.length ? answered : upstreamsOf(route);
}
