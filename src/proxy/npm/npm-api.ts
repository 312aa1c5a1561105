import type { Logger } from '../../logger';
import { adminRequest } from '../admin-http';

export class NpmError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface NpmApiOptions {
  url: string;
  /** Secret references; resolved at login, inside an activity, never stored elsewhere. */
  identity: string;
  secret: string;
  /** Turns a reference into its value; called at login only. */
  resolveSecret: (ref: string) => string;
  timeoutMs?: number;
}

interface Token {
  token: string;
  expiresAt: number;
  lifetimeMs: number;
}

/**
 * A thin client for NPM's REST API: logs in with POST /api/tokens, refreshes
 * with GET /api/tokens before expiry, and logs in again once when NPM refuses
 * the token (401, or NPM v2's 400 "Token has expired" and 403 "Permission Denied").
 */
export class NpmApi {
  private token?: Token;

  constructor(
    private readonly options: NpmApiOptions,
    private readonly log: Logger,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let answer = await this.send(method, path, body, await this.bearer());
    if (refused(answer)) {
      this.log.info({ status: answer.status }, 'NPM refused the token; logging in again');
      this.token = undefined;
      answer = await this.send(method, path, body, await this.bearer());
    }
    if (answer.status < 200 || answer.status >= 300) throw new NpmError(answer.status, `NPM answered ${method} ${path} with HTTP ${answer.status}: ${answer.message}`);
    return answer.json as T;
  }

  private async bearer(): Promise<string> {
    const now = Date.now();
    if (this.token && this.token.expiresAt - now > this.token.lifetimeMs / 4) return this.token.token;
    if (this.token && this.token.expiresAt > now) {
      const fresh = await this.send('GET', '/api/tokens', undefined, this.token.token);
      if (fresh.status === 200) return this.keep(fresh.json as { token: string; expires: string });
    }
    const identity = this.options.resolveSecret(this.options.identity);
    const secret = this.options.resolveSecret(this.options.secret);
    const login = await this.send('POST', '/api/tokens', { identity, secret });
    if (login.status !== 200) throw new NpmError(login.status, `NPM refused Berth's login (${this.options.identity}): HTTP ${login.status}: ${login.message}`);
    return this.keep(login.json as { token: string; expires: string });
  }

  private keep(answer: { token: string; expires: string }): string {
    const expiresAt = Date.parse(answer.expires);
    this.token = { token: answer.token, expiresAt, lifetimeMs: Math.max(0, expiresAt - Date.now()) };
    return answer.token;
  }

  private async send(method: string, path: string, body: unknown, token?: string): Promise<{ status: number; json: unknown; message: string }> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    try {
      const response = await adminRequest(new URL(path, this.options.url), method, body === undefined ? undefined : JSON.stringify(body), timeoutMs, headers);
      const json = response.text ? (JSON.parse(response.text) as unknown) : undefined;
      const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? response.text.slice(0, 200);
      return { status: response.status, json, message };
    } catch (error) {
      throw new Error(`NPM API at ${this.options.url} failed ${method} ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
}

function refused(answer: { status: number; message: string }): boolean {
  return answer.status === 401 || answer.status === 403 || (answer.status === 400 && /token/i.test(answer.message));
}
