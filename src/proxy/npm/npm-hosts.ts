/**
 * Pure: the request bodies Berth sends to Nginx Proxy Manager (API v2.x) and
 * the checks on a proxy host before Berth switches it.
 */
import { PermanentError } from '../../model/errors';
import type { RouteTarget } from '../driver';

/** The fields of NPM's proxy host object Berth reads. */
export interface NpmProxyHost {
  id: number;
  domain_names: string[];
  forward_scheme: 'http' | 'https';
  forward_host: string;
  forward_port: number;
  advanced_config: string;
  enabled: boolean | number;
  locations?: Array<{ path: string }> | null;
  meta: { nginx_online?: boolean; nginx_err?: string | null; berth_route?: string } & Record<string, unknown>;
}

export type ForwardTarget = Pick<NpmProxyHost, 'forward_scheme' | 'forward_host' | 'forward_port'>;

/** `127.0.0.1:21004` → the three forward fields; NPM forwards to one target only. */
export function forwardOf(upstreams: string[]): ForwardTarget {
  if (upstreams.length !== 1) {
    throw new PermanentError('PROXY_UNSUPPORTED', `Nginx Proxy Manager forwards a proxy host to one target; Berth was asked for ${upstreams.length}`);
  }
  const at = upstreams[0].lastIndexOf(':');
  return { forward_scheme: 'http', forward_host: upstreams[0].slice(0, at), forward_port: Number(upstreams[0].slice(at + 1)) };
}

export function upstreamOf(host: ForwardTarget): string {
  return `${host.forward_host}:${host.forward_port}`;
}

/** The PUT that switches: only these three fields, so nothing else of the user's host changes. */
export function switchBody(forward: ForwardTarget): ForwardTarget {
  return { forward_scheme: forward.forward_scheme, forward_host: forward.forward_host, forward_port: forward.forward_port };
}

/** The POST for a hostname NPM does not serve yet; `meta.berth_route` marks it as Berth's. */
export function createBody(target: RouteTarget, forward: ForwardTarget): Record<string, unknown> {
  return {
    domain_names: [target.hostname],
    ...switchBody(forward),
    allow_websocket_upgrade: true,
    meta: { berth_route: `${target.project}/${target.environment}${target.instance ? `/${target.instance}` : ''}` },
  };
}

export function hostFor(hosts: NpmProxyHost[], hostname: string): NpmProxyHost | undefined {
  return hosts.find((host) => host.domain_names.some((name) => name.toLowerCase() === hostname.toLowerCase()));
}

// NPM's own test for "advanced config has its own `location /`" (internal/nginx.js), which drops its default location.
const defaultLocation = /^(?:.*;)?\s*?location\s*?\/\s*?{/im;
const overrides = /\bproxy_pass\b|\bset\s+\$(server|port|forward_scheme)\b/;

/** Why switching forward_* would not move this host's traffic, or undefined when it would. */
export function ineffectiveReason(host: NpmProxyHost): string | undefined {
  const label = `NPM proxy host #${host.id} (${host.domain_names.join(', ')})`;
  if (!host.enabled) return `${label} is disabled in NPM, so NPM writes no nginx config for it`;
  if (host.locations?.some((location) => location.path.trim() === '/')) {
    return `${label} has a custom location "/" with its own forward target, so its forward_host is not used; remove that location in NPM`;
  }
  if (host.advanced_config && (defaultLocation.test(host.advanced_config) || overrides.test(host.advanced_config))) {
    return `${label} has an advanced_config that sets its own location / or proxy_pass, so its forward_host is not used; Berth changes only forward_scheme, forward_host and forward_port, which would have no effect`;
  }
  return undefined;
}
