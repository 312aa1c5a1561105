import { formatListen } from '../../model/listen';
import type { Logger } from '../../logger';
import { upstreamOfDial } from '../dns/upstream-names';
import type { OwnedRoute, ProxyDriver, RouteKey, RouteTarget } from '../driver';
import { CaddyClient } from './caddy-client';
import { CaddyDynamicRoutes, type UpstreamDnsConfig } from './caddy-dynamic-routes';
import { caddyMarkerHeader } from './caddy-routes';

/** What the Caddy driver needs: the validated `proxy` section of that driver. */
export interface CaddyDriverConfig {
  adminUrl: string;
  listen: { host: string; port: number };
  tls: 'off' | 'auto';
  server: string;
  /** Switch through the upstream responder instead of rewriting routes; absent: every switch rewrites the route. */
  upstreamDns?: UpstreamDnsConfig;
}

/** Caddy through its admin API: Berth's routes carry an `@id` starting `berth_` in Berth's own server. */
export class CaddyDriver implements ProxyDriver {
  readonly kind = 'caddy';
  readonly listen: string;
  readonly ownership: string;
  readonly markerHeader = caddyMarkerHeader;
  readonly client: CaddyClient;
  readonly dynamic?: CaddyDynamicRoutes;
  /** With the responder, the marker names the one upstream that answered (`ip-127-0-0-1.berth.:21004` spelled back). */
  readonly answeredBy?: (marker: string) => string;

  constructor(config: CaddyDriverConfig, log: Logger) {
    this.listen = formatListen(config.listen);
    this.ownership = `routes with an @id starting "berth_" in Caddy server "${config.server}"`;
    this.client = new CaddyClient({ adminUrl: config.adminUrl, server: config.server, listen: this.listen, tls: config.tls }, log);
    if (config.upstreamDns) {
      this.dynamic = new CaddyDynamicRoutes(this.client, config.upstreamDns, log);
      this.answeredBy = upstreamOfDial;
    }
  }

  check(): Promise<void> {
    // Caddy may start after Berth (the embedded default starts it); a switch retries until it answers.
    return Promise.resolve();
  }

  currentUpstreams(key: RouteKey): Promise<string[] | undefined> {
    return this.dynamic ? this.dynamic.currentUpstreams(key) : this.client.currentUpstreams(key);
  }

  point(target: RouteTarget, upstreams: string[]): Promise<void> {
    return this.dynamic ? this.dynamic.point(target, upstreams) : this.client.switchRoute(target, upstreams);
  }

  remove(key: RouteKey): Promise<void> {
    return this.dynamic ? this.dynamic.remove(key) : this.client.removeRoute(key);
  }

  async listOwned(): Promise<OwnedRoute[]> {
    if (this.dynamic) return this.dynamic.listOwned();
    return (await this.client.listOwned()).map(({ ref, hostname, upstreams }) => ({ ref, hostname, upstreams }));
  }
}
