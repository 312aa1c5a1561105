import type { Logger } from '../../logger';
import { retry } from '../../retry';
import { adminRequest, type AdminResponse } from '../admin-http';
import type { OwnedRoute, RouteKey, RouteTarget } from '../driver';
import { buildRoute, buildServer, hostnameOf, routeId, routeIdPrefix, upstreamsOf, type CaddyRoute, type DynamicUpstreams } from './caddy-routes';

export class CaddyError extends Error {
  constructor(
    message: string,
    /** The connection broke after the request was sent: it may or may not have been applied. */
    readonly brokenAfterSending = false,
  ) {
    super(message);
  }
}

/** The request in flight (or last sent) to each Caddy admin endpoint: the next one waits for it. */
const inFlight = new Map<string, Promise<unknown>>();

/** Runs `send` once the admin endpoint's earlier requests from this process have ended. */
function oneAtATime<T>(endpoint: string, send: () => Promise<T>): Promise<T> {
  const turn = (inFlight.get(endpoint) ?? Promise.resolve()).catch(() => undefined).then(send);
  inFlight.set(endpoint, turn);
  void turn.catch(() => undefined).then(() => inFlight.get(endpoint) === turn && inFlight.delete(endpoint));
  return turn;
}

function brokenConnection(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'ECONNREFUSED' || code === 'EPIPE';
}

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
    for (let attempt = 1; ; attempt++) {
      const patched = await this.request('PATCH', `/id/${id}`, route);
      if (patched.status !== 404) {
        await this.expectOk(patched, `replacing route ${id}`);
        break;
      }
      await this.ensureServer();
      try {
        await this.expectOk(await this.request('POST', `/config/apps/http/servers/${this.options.server}/routes`, route), `adding route ${id}`);
        break;
      } catch (error) {
        // The route may have been added before the connection broke: the PATCH, next time round, tells.
        if (!(error instanceof CaddyError && error.brokenAfterSending) || attempt >= 3) throw error;
      }
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


  /**
   * One admin request, after this process's earlier ones to the same Caddy,
   * and sent again on a broken connection.
   * - One at a time: Caddy 2.6 resolves an `@id` to a route's index before it
   *   takes its config lock, so a concurrent DELETE can shift the routes under
   *   a PATCH or GET by id (seen as "array index out of bounds", or worse, the
   *   neighbouring route).
   * - Sent again: Caddy replaces its admin listener after every config change,
   *   so a request can meet the old one closing (ECONNRESET, ECONNREFUSED);
   *   it is sent again after 25, 50, 100, 200 and 400 ms.
   *   Every request but a POST is safe to repeat; a POST only when its
   *   connection broke before it was sent (switchRoute checks the rest).
   */
  private request(method: string, path: string, body?: unknown): Promise<AdminResponse> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const url = new URL(path, this.options.adminUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const repeatable = (error: unknown) => brokenConnection(error) && (method !== 'POST' || (error as NodeJS.ErrnoException).syscall === 'connect');
    return oneAtATime(url.origin, () =>
      retry(() => adminRequest(url, method, payload, timeoutMs), { attempts: 6, delayMs: 25, factor: 2, isRetryable: repeatable }).catch((error: unknown) => {
        const sent = (error as NodeJS.ErrnoException).syscall !== 'connect';
        throw new CaddyError(`Caddy admin API at ${this.options.adminUrl} failed ${method} ${path}: ${(error as Error).message}`, brokenConnection(error) && sent);
      }),
    );
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
