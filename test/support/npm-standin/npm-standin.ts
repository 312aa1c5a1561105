/**
 * A stand-in for Nginx Proxy Manager that follows the REST API of NPM v2.15.0
 * (NginxProxyManager/nginx-proxy-manager, backend/routes/tokens.js,
 * backend/routes/nginx/proxy_hosts.js, backend/internal/proxy-host.js and
 * backend/internal/nginx.js): JWT login and refresh, strict body validation,
 * domain uniqueness, the {"error":{"code","message"}} envelope, and each
 * proxy host rendered into a real nginx that is tested and reloaded the way
 * NPM does it, including answering 200 with meta.nginx_online false when
 * its second `nginx -t` fails. The real NPM cannot run here (no image, no
 * package, templates need nginx >= 1.25).
 */
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { NpmNginx } from './npm-nginx';
import type { ProxyHostRow } from './render';
import { Tokens } from './tokens';
import { validateCreate, validateLogin, validateUpdate } from './validate';

class NpmFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface NpmStandInOptions {
  user: { email: string; password: string };
  /** The nginx this NPM drives: its `listen` for proxy hosts, its conf dir, and its test and reload argv. */
  nginx: { listen: string; nginxDir: string; test: string[]; reload: string[] };
}

export class NpmStandIn {
  readonly tokens = new Tokens();
  readonly hosts = new Map<number, ProxyHostRow>();
  readonly counts = { logins: 0, refreshes: 0, puts: 0, expiredRefused: 0 };
  readonly nginx: NpmNginx;
  url = '';
  private nextId = 1;
  private server?: Server;

  constructor(private readonly options: NpmStandInOptions) {
    this.nginx = new NpmNginx(options.nginx);
  }

  /** The next rendered proxy host gets a line nginx refuses, as a template/nginx mismatch would. */
  set breakNextRender(value: boolean) {
    this.nginx.breakNextRender = value;
  }

  async start(): Promise<string> {
    const app = express();
    app.use(express.json());
    const auth = (req: Request, _res: Response, next: NextFunction) => {
      const checked = this.tokens.check(req.headers.authorization);
      if ('status' in checked && checked.message === 'Token has expired') this.counts.expiredRefused++;
      next('status' in checked ? new NpmFailure(checked.status, checked.message) : undefined);
    };
    const route = (fn: (req: Request) => Promise<[number, unknown]>) => (req: Request, res: Response, next: NextFunction) =>
      fn(req).then(([status, body]) => res.status(status).json(body), next);

    app.post('/api/tokens', route(async (req) => this.login(req.body)));
    app.get('/api/tokens', auth, route(async () => (this.counts.refreshes++, [200, this.tokens.issue(1)])));
    app.get('/api/nginx/proxy-hosts', auth, route(async () => [200, [...this.hosts.values()].sort((a, b) => a.domain_names[0].localeCompare(b.domain_names[0]))]));
    app.get('/api/nginx/proxy-hosts/:id', auth, route(async (req) => [200, this.get(req.params.id as string)]));
    app.post('/api/nginx/proxy-hosts', auth, route(async (req) => [201, await this.create(req.body)]));
    app.put('/api/nginx/proxy-hosts/:id', auth, route(async (req) => [200, await this.update(req.params.id as string, req.body)]));
    app.delete('/api/nginx/proxy-hosts/:id', auth, route(async (req) => [200, await this.remove(req.params.id as string)]));
    app.use((_req: Request, _res: Response, next: NextFunction) => next(new NpmFailure(404, 'Not Found')));
    // app.js: every error in one envelope; messages of non-public errors hidden.
    app.use((error: Error & { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      const status = error instanceof NpmFailure ? error.status : (error.status ?? 500);
      res.status(status).json({ error: { code: status, message: error instanceof NpmFailure || status < 500 ? error.message : 'Internal Error' } });
    });
    this.server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => this.server!.once('listening', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  confFile(id: number): string {
    return this.nginx.confFile(id);
  }

  private async login(body: unknown): Promise<[number, unknown]> {
    const problem = validateLogin(body);
    if (problem) throw new NpmFailure(400, problem);
    const { identity, secret } = body as { identity: string; secret: string };
    if (identity.toLowerCase().trim() !== this.options.user.email || secret !== this.options.user.password) throw new NpmFailure(400, 'Invalid email or password');
    this.counts.logins++;
    return [200, this.tokens.issue(1)];
  }

  private get(id: string): ProxyHostRow {
    const row = this.hosts.get(Number(id));
    if (!row) throw new NpmFailure(404, `Not Found - ${id}`);
    return row;
  }

  private taken(names: string[], ignoreId = 0): void {
    for (const name of names) {
      const owner = [...this.hosts.values()].find((row) => row.id !== ignoreId && row.domain_names.some((other) => other.toLowerCase() === name.toLowerCase()));
      if (owner) throw new NpmFailure(400, `${name} is already in use`);
    }
  }

  private async create(body: Record<string, unknown>): Promise<ProxyHostRow> {
    const problem = validateCreate(body);
    if (problem) throw new NpmFailure(400, problem);
    this.taken(body.domain_names as string[]);
    const now = new Date().toISOString();
    const row: ProxyHostRow = {
      ...{ access_list_id: 0, certificate_id: 0, ssl_forced: false, caching_enabled: false, block_exploits: false, advanced_config: '', meta: {} },
      ...{ allow_websocket_upgrade: false, http2_support: false, enabled: true, locations: [], hsts_enabled: false, hsts_subdomains: false, trust_forwarded_proto: false },
      ...(body as Partial<ProxyHostRow>),
      id: this.nextId++,
      created_on: now,
      modified_on: now,
      owner_user_id: 1,
    } as ProxyHostRow;
    this.hosts.set(row.id, row);
    row.meta = await this.nginx.configure(row);
    return row;
  }

  private async update(id: string, body: Record<string, unknown>): Promise<ProxyHostRow> {
    const problem = validateUpdate(body);
    if (problem) throw new NpmFailure(400, problem);
    const row = this.get(id);
    if (body.domain_names) this.taken(body.domain_names as string[], row.id);
    this.counts.puts++;
    Object.assign(row, body, { modified_on: new Date().toISOString() });
    if (row.enabled) row.meta = await this.nginx.configure(row);
    return row;
  }

  private async remove(id: string): Promise<boolean> {
    const row = this.get(id);
    this.hosts.delete(row.id);
    await this.nginx.removeHost(row.id);
    return true;
  }
}
