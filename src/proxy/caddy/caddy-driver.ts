import { formatListen } from '../../model/listen';
import type { Logger } from '../../logger';
import type { OwnedRoute, ProxyDriver, RouteKey, RouteTarget } from '../driver';
import { CaddyClient } from './caddy-client';
import { caddyMarkerHeader } from './caddy-routes';

/** What the Caddy driver needs: the validated `proxy` section of that driver. */
export interface CaddyDriverConfig {
  adminUrl: string;
  listen: { host: string; port: number };
  tls: 'off' | 'auto';
  server: string;
}

/** Caddy through its admin API: Berth's routes carry an `@id` starting `berth_` in Berth's own server. */
export class CaddyDriver implements ProxyDriver {
  readonly kind = 'caddy';
  readonly listen: string;
  readonly ownership: string;
  readonly markerHeader = caddyMarkerHeader;
  readonly client: CaddyClient;

  constructor(config: CaddyDriverConfig, log: Logger) {
    this.listen = formatListen(config.listen);
    this.ownership = `routes with an @id starting "berth_" in Caddy server "${config.server}"`;
    this.client = new CaddyClient({ adminUrl: config.adminUrl, server: config.server, listen: this.listen, tls: config.tls }, log);
  }

  check(): Promise<void> {
    // Caddy may start after Berth (the embedded default starts it); a switch retries until it answers.
    return Promise.resolve();
  }

  currentUpstreams(key: RouteKey): Promise<string[] | undefined> {
    return this.client.currentUpstreams(key);
  }

  point(target: RouteTarget, upstreams: string[]): Promise<void> {
    return this.client.switchRoute(target, upstreams);
  }

  remove(key: RouteKey): Promise<void> {
    return this.client.removeRoute(key);
  }

  listOwned(): Promise<OwnedRoute[]> {
    return this.client.listOwned();
  }
}
