import type { Logger } from '../../logger';
import { adminRequest, type AdminResponse } from '../admin-http';
import type { OwnedRoute, RouteKey, RouteTarget } from '../driver';
import { buildRoute, buildServer, hostnameOf, routeId, routeIdPrefix, upstreamsOf, type CaddyRoute, type DynamicUpstreams } from './caddy-routes';

export class CaddyError extends Error {}

export interface CaddyOptions {
  adminUrl: string;
  server: string;
  listen: string;
  tls: 'off' | 'auto';
  requestTimeoutMs?: number;
}

/**
 * A thin client for Caddy's admin API. It creates Berth's server when it is
 * missing and then touches only routes it identifies by `@id`, so the rest of
 * the proxy's config is never rewritten.
 */
export class CaddyClient {
  constructor(
    private readonly options: CaddyOptions,
    private readonly log: Logger,
  ) {}

  async currentUpstreams(key: RouteKey): Promise<string[] | undefined> {
    const route = await this.route(key);
    return route === undefined ? undefined : upstreamsOf(route);
  }

  /** The route Berth wrote for `key` as Caddy holds it now, or undefined when there is none. */
  async route(key: RouteKey): Promise<CaddyRoute | undefined> {
    const response = await this.request('GET', `/id/${routeId(key)}`);
    if (response.status === 404) return undefined;
    return ((await this.json(response)) ?? undefined) as CaddyRoute | undefined;
  }

  /** Points the environment's hostname at `upstreams` (looked up via `dynamic` when given); creates the route on first use. */
  async switchRoute(target: RouteTarget, upstreams: string[], dynamic?: DynamicUpstreams): Promise<void> {
    const id = routeId(target);
    const route = buildRoute(target, upstreams, dynamic);
    this.log.info({ routeId: id, upstreams }, 'switching proxy route');
    const patched = await this.request('PATCH', `/id/${id}`, route);
    if (patched.status === 404) {
      await this.ensureServer();
      await this.expectOk(await this.request('POST', `/config/apps/http/servers/${this.options.server}/routes`, route), `adding route ${id}`);
    } else {
      await this.expectOk(patched, `replacing route ${id}`);
    }
    this.log.info({ routeId: id, upstreams }, 'switched proxy route');
  }

  async removeRoute(key: RouteKey): Promise<void> {
    const id = routeId(key);
    const response = await this.request('DELETE', `/id/${id}`);
    if (response.status === 404) return;
    await this.expectOk(response, `removing route ${id}`);
  }

  /** Routes of Berth's server whose @id Berth gives its routes. */
  async listOwned(): Promise<Array<OwnedRoute & { route: CaddyRoute }>> {
    const routes = ((await this.json(await this.request('GET', `/config/apps/http/servers/${this.options.server}/routes`))) ?? []) as CaddyRoute[];
    return routes
      .filter((route) => typeof route['@id'] === 'string' && route['@id'].startsWith(routeIdPrefix))
      .map((route) => ({ ref: route['@id'], hostname: hostnameOf(route), upstreams: upstreamsOf(route) ?? [], route }));
  }

  /** Creates the missing part of apps/http/servers/<server> with one PUT, never replacing what exists. */
  async ensureServer(): Promise<void> {
    const path = ['apps', 'http', 'servers', this.options.server];
    let value: unknown = buildServer({ listen: this.options.listen, tls: this.options.tls });
    let missingFrom = path.length;
    for (let depth = path.length; depth >= 1; depth--) {
      const response = await this.request('GET', `/config/${path.slice(0, depth).join('/')}`);
      if ((await this.json(response)) !== null) break;
      missingFrom = depth - 1;
    }
    if (missingFrom === path.length) return;
    for (let depth = path.length - 1; depth > missingFrom; depth--) value = { [path[depth]]: value };
    const target = `/config/${path.slice(0, missingFrom + 1).join('/')}`;
    const response = await this.request('PUT', target, value);
    // Another writer may have created it between our GET and PUT; that is fine.
    if (!response.ok && (await this.json(await this.request('GET', `/config/${path.join('/')}`))) === null) {
      await this.expectOk(response, `creating ${target}`);
    }
  }


  private async request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    try {
      return await adminRequest(new URL(path, this.options.adminUrl), method, body === undefined ? undefined : JSON.stringify(body), timeoutMs);
    } catch (error) {
      throw new CaddyError(`Caddy admin API at ${this.options.adminUrl} failed ${method} ${path}: ${(error as Error).message}`);
    }
  }

  private async json(response: AdminResponse): Promise<unknown> {
    if (!response.ok) return null;
    return response.text ? JSON.parse(response.text) : null;
  }

  private async expectOk(response: AdminResponse, what: string): Promise<void> {
    if (response.ok) return;
    throw new CaddyError(`Caddy refused ${what}: HTTP ${response.status} ${response.text.trim()}`);
  }
}
