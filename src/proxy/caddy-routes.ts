/**
 * Pure builders for the Caddy JSON that Berth owns. Berth identifies its
 * routes by `@id` so it can replace exactly them and nothing else.
 */

export interface RouteTarget {
  project: string;
  environment: string;
  hostname: string;
  /** `127.0.0.1:21004` (host networking) or `container:8080` (named network). */
  upstream: string;
}

export interface CaddyRoute {
  '@id': string;
  match: Array<{ host: string[] }>;
  handle: Array<Record<string, unknown>>;
  terminal: true;
}

export function routeId(project: string, environment: string): string {
  return `berth_${project}_${environment}`.replace(/-/g, '_');
}

export function buildRoute(target: RouteTarget): CaddyRoute {
  return {
    '@id': routeId(target.project, target.environment),
    match: [{ host: [target.hostname] }],
    handle: [
      {
        handler: 'reverse_proxy',
        upstreams: [{ dial: target.upstream }],
        // A stopped upstream answers fast with 502 instead of hanging clients.
        transport: { protocol: 'http', dial_timeout: '2s' },
      },
    ],
    terminal: true,
  };
}

export function buildServer(options: { listen: string; tls: 'off' | 'auto' }): Record<string, unknown> {
  return {
    listen: [options.listen],
    routes: [],
    ...(options.tls === 'off' ? { automatic_https: { disable: true } } : {}),
  };
}

/** The upstream a Berth route sends traffic to, or undefined for foreign shapes. */
export function upstreamOf(route: unknown): string | undefined {
  const handle = (route as CaddyRoute | undefined)?.handle?.[0] as { upstreams?: Array<{ dial?: string }> } | undefined;
  return handle?.upstreams?.[0]?.dial;
}

export { formatListen } from '../model/listen';
