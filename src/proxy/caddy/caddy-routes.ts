/**
 * Pure builders for the Caddy JSON that Berth owns. Berth identifies its
 * routes by `@id` so it can replace exactly them and nothing else.
 */
import { markerValue, routeSuffix, type RouteKey, type RouteTarget } from '../driver';

export const caddyMarkerHeader = 'X-Berth-Upstream';

export interface CaddyRoute {
  '@id': string;
  match: Array<{ host: string[] }>;
  handle: Array<Record<string, unknown>>;
  terminal: true;
}

export const routeIdPrefix = 'berth_';

export function routeId(key: RouteKey): string {
  return `${routeIdPrefix}${routeSuffix(key)}`.replace(/-/g, '_');
}

/**
 * Where a route looks its upstreams up instead of carrying them: the SRV
 * name, the responder's `host:port` and how often Caddy asks again.
 */
export interface DynamicUpstreams {
  name: string;
  resolver: string;
  refresh: string;
}

/** The placeholder Caddy fills with the upstream that answered this request. */
export const answeringUpstream = '{http.reverse_proxy.upstream.hostport}';

/**
 * `upstreams`: `127.0.0.1:21004` (host networking) or `container:8080` (named network).
 * With `dynamic`, the route asks the responder for its upstreams (the static
 * ones stay as Caddy's fallback when the lookup fails), so a switch changes no
 * Caddy config, and the marker names the one upstream that answered.
 */
export function buildRoute(target: RouteTarget, upstreams: string[], dynamic?: DynamicUpstreams): CaddyRoute {
  if (dynamic) return buildDynamicRoute(target, upstreams, dynamic);
  return {
    '@id': routeId(target),
    match: [{ host: [target.hostname] }],
    handle: [
      // Names the upstreams in every answer, so a probe can tell this route from the one it replaced.
      { handler: 'headers', response: { set: { [caddyMarkerHeader]: [markerValue(upstreams)] }, deferred: true } },
      {
        handler: 'reverse_proxy',
        upstreams: upstreams.map((dial) => ({ dial })),
        // A stopped upstream answers fast with 502 instead of hanging clients.
        transport: { protocol: 'http', dial_timeout: '2s' },
      },
    ],
    terminal: true,
  };
}

function buildDynamicRoute(target: RouteTarget, upstreams: string[], dynamic: DynamicUpstreams): CaddyRoute {
  const resolver = { addresses: [`udp/${dynamic.resolver}`] };
  return {
    '@id': routeId(target),
    match: [{ host: [target.hostname] }],
    handle: [
      {
        handler: 'reverse_proxy',
        upstreams: upstreams.map((dial) => ({ dial })),
        dynamic_upstreams: { source: 'srv', name: dynamic.name, refresh: dynamic.refresh, resolver },
        headers: { response: { set: { [caddyMarkerHeader]: [answeringUpstream] } } },
        // The SRV targets are names (`ip-127-0-0-1.berth.`) only the responder knows.
        transport: { protocol: 'http', dial_timeout: '2s', resolver },
      },
    ],
    terminal: true,
  };
}

/** The SRV name a dynamic route looks up, or undefined for a static route. */
export function dynamicNameOf(route: unknown): string | undefined {
  const handles = ((route as CaddyRoute | undefined)?.handle ?? []) as Array<{ handler?: string; dynamic_upstreams?: { source?: string; name?: unknown } }>;
  const source = handles.find((handle) => handle.handler === 'reverse_proxy')?.dynamic_upstreams;
  return source?.source === 'srv' && typeof source.name === 'string' ? source.name : undefined;
}

export function buildServer(options: { listen: string; tls: 'off' | 'auto' }): Record<string, unknown> {
  return {
    listen: [options.listen],
    routes: [],
    ...(options.tls === 'off' ? { automatic_https: { disable: true } } : {}),
  };
}

/** The upstreams a Berth route sends traffic to, or undefined for foreign shapes. */
export function upstreamsOf(route: unknown): string[] | undefined {
  const handles = ((route as CaddyRoute | undefined)?.handle ?? []) as Array<{ handler?: string; upstreams?: Array<{ dial?: string }> }>;
  const dials = handles.find((handle) => handle.handler === 'reverse_proxy')?.upstreams?.map((upstream) => upstream.dial);
  return dials?.length && dials.every((dial): dial is string => typeof dial === 'string') ? dials : undefined;
}

/** The hostname a route matches, for listing. */
export function hostnameOf(route: CaddyRoute): string {
  return route.match?.[0]?.host?.[0] ?? '';
}
