/**
 * What Berth asks of a reverse proxy, whichever it is. Upstreams are a list
 * so several replicas can stand behind one hostname; a driver whose proxy
 * can forward to one target only refuses more.
 */

/** The environment a route belongs to; a driver derives its own names from it. */
export interface RouteKey {
  project: string;
  environment: string;
  /** A preview instance's own route, beside the environment's (default-name) route. */
  instance?: string;
}

/** `project`, `environment` and, for a preview instance, `--instance`: one distinct name per route. */
export function routeSuffix(key: RouteKey): string {
  return `${key.project}-${key.environment}${key.instance ? `--${key.instance}` : ''}`;
}

export interface RouteTarget extends RouteKey {
  hostname: string;
}

/** A route Berth created and can recognise again. */
export interface OwnedRoute {
  hostname: string;
  upstreams: string[];
  /** Where it lives in the proxy: a Caddy @id, a file, an NPM proxy host id. */
  ref: string;
}

export interface ProxyDriver {
  readonly kind: 'caddy' | 'nginx' | 'npm';
  /** `host:port` the proxy serves Berth's hostnames on, for probes through it. */
  readonly listen: string;
  /** How this driver recognises what it owns, in words, for logs and the README. */
  readonly ownership: string;
  /**
   * A response header the proxy adds naming the upstreams that answered, so a
   * probe can tell the new route from the old one; absent when the proxy
   * cannot add one without touching the user's own settings.
   */
  readonly markerHeader?: string;
  /**
   * Present when the marker names the one upstream that answered each
   * request rather than the route's whole list: turns a marker value into
   * that upstream (`host:port`).
   */
  readonly answeredBy?: (marker: string) => string;
  /** Fails with a clear message when the proxy cannot be driven as configured (missing confDir, ...). */
  check(): Promise<void>;
  /** The upstreams the environment's route sends traffic to, or undefined when it has none. */
  currentUpstreams(target: RouteTarget): Promise<string[] | undefined>;
  /** Points the hostname at `upstreams`, creating the route on first use; idempotent. */
  point(target: RouteTarget, upstreams: string[]): Promise<void>;
  /** Removes the environment's route; a missing one is fine. */
  remove(target: RouteTarget): Promise<void>;
  listOwned(): Promise<OwnedRoute[]>;
}

/** The value a driver's marker header carries for a set of upstreams. */
export function markerValue(upstreams: string[]): string {
  return upstreams.join(', ');
}
