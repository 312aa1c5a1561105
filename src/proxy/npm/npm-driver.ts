import { formatListen } from '../../model/listen';
import { PermanentError } from '../../model/errors';
import type { Logger } from '../../logger';
import type { OwnedRoute, ProxyDriver, RouteTarget } from '../driver';
import { NpmApi } from './npm-api';
import { createBody, forwardOf, hostFor, ineffectiveReason, switchBody, upstreamOf, type ForwardTarget, type NpmProxyHost } from './npm-hosts';

/** What the NPM driver needs: the validated `proxy` section of that driver; identity and secret stay references. */
export interface NpmDriverConfig {
  url: string;
  identity: string;
  secret: string;
  listen: { host: string; port: number };
}

const hostsPath = '/api/nginx/proxy-hosts';

/**
 * Nginx Proxy Manager through its REST API. Berth switches the proxy host
 * whose domain_names hold the environment's hostname, sending only the
 * forward fields; it creates one (marked `meta.berth_route`) when none does,
 * and never touches other hosts, certificates or access lists.
 */
export class NpmDriver implements ProxyDriver {
  readonly kind = 'npm';
  readonly listen: string;
  readonly ownership = 'the forward_scheme, forward_host and forward_port of the proxy host serving each hostname; whole proxy hosts only where meta.berth_route marks them as created by Berth';
  private readonly api: NpmApi;

  constructor(config: NpmDriverConfig, log: Logger, resolveSecret: (ref: string) => string) {
    this.listen = formatListen(config.listen);
    this.api = new NpmApi({ url: config.url, identity: config.identity, secret: config.secret, resolveSecret }, log);
  }

  check(): Promise<void> {
    // Logging in needs the secrets, which only activities resolve; the first switch reports a refused login.
    return Promise.resolve();
  }

  async currentUpstreams(target: RouteTarget): Promise<string[] | undefined> {
    const host = hostFor(await this.hosts(), target.hostname);
    return host ? [upstreamOf(host)] : undefined;
  }

  async point(target: RouteTarget, upstreams: string[]): Promise<void> {
    const forward = forwardOf(upstreams);
    const host = hostFor(await this.hosts(), target.hostname);
    if (!host) {
      const created = await this.api.call<NpmProxyHost>('POST', hostsPath, createBody(target, forward));
      if (created.meta?.nginx_online === false) {
        await this.api.call('DELETE', `${hostsPath}/${created.id}`);
        throw offline(target, forward, 'removed the proxy host Berth had just created', created.meta.nginx_err);
      }
      return;
    }
    const reason = ineffectiveReason(host);
    if (reason) throw new PermanentError('PROXY_REFUSED', reason);
    if (upstreamOf(host) === upstreamOf(forward) && host.forward_scheme === forward.forward_scheme && host.meta?.nginx_online !== false) return;
    const previous = switchBody(host);
    const updated = await this.api.call<NpmProxyHost>('PUT', `${hostsPath}/${host.id}`, switchBody(forward));
    if (updated.meta?.nginx_online === false) {
      // NPM answered 200 but took the host offline: put the previous target back at once.
      const restored = await this.api.call<NpmProxyHost>('PUT', `${hostsPath}/${host.id}`, previous);
      const how = restored.meta?.nginx_online === false ? `tried to put back ${upstreamOf(previous)}, but NPM still reports it offline` : `put back ${upstreamOf(previous)}`;
      throw offline(target, forward, how, updated.meta.nginx_err);
    }
  }

  async remove(target: RouteTarget): Promise<void> {
    const host = hostFor(await this.hosts(), target.hostname);
    // A proxy host the user made stays, whatever Berth did to its forward target.
    if (!host?.meta?.berth_route) return;
    await this.api.call('DELETE', `${hostsPath}/${host.id}`);
  }

  async listOwned(): Promise<OwnedRoute[]> {
    return (await this.hosts())
      .filter((host) => host.meta?.berth_route)
      .map((host) => ({ ref: `proxy host #${host.id}`, hostname: host.domain_names[0], upstreams: [upstreamOf(host)] }));
  }

  private hosts(): Promise<NpmProxyHost[]> {
    return this.api.call<NpmProxyHost[]>('GET', hostsPath);
  }
}

function offline(target: RouteTarget, forward: ForwardTarget, done: string, nginxErr: unknown): PermanentError {
  return new PermanentError(
    'PROXY_REFUSED',
    `NPM took ${target.hostname} offline when pointed at ${upstreamOf(forward)} (its nginx -t failed); Berth ${done}. NPM said:\n${String(nginxErr ?? '(no nginx_err)')}`,
  );
}
