import { CliError, exitCodes } from './cli-error';

/** The error body Berth answers with. */
interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** 400, 401, 403 and 404 mean the command or its configuration is wrong; anything else is a refusal or an outage. */
export function apiError(status: number, body: unknown): CliError {
  const message = (body as ErrorBody | undefined)?.error?.message ?? `HTTP ${status}`;
  const usage = [400, 401, 403, 404].includes(status);
  return new CliError(usage ? exitCodes.usage : exitCodes.failed, `${message} (HTTP ${status})`);
}

/** Berth's HTTP API, as the CLI uses it. */
export class BerthApi {
  readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly requestTimeoutMs = 30_000,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(this.requestTimeoutMs) });
      text = await response.text();
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError') throw error;
      throw new CliError(exitCodes.failed, `Berth did not answer ${method} ${path} within ${this.requestTimeoutMs} ms`);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!response.ok) throw apiError(response.status, parsed);
    return parsed as T;
  }

  /** Opens the deploy's event stream after `lastEventId`; the caller reads and closes it. */
  async events(id: string, lastEventId: number, signal?: AbortSignal): Promise<Response> {
    const headers = { authorization: `Bearer ${this.token}`, accept: 'text/event-stream', 'last-event-id': String(lastEventId) };
    const response = await this.fetch(`/v1/deployments/${encodeURIComponent(id)}/events`, { headers, signal });
    if (!response.ok) throw apiError(response.status, await response.json().catch(() => undefined));
    return response;
  }

  private async fetch(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.baseUrl}${path}`, init);
    } catch (error) {
      if ((init.signal as AbortSignal | undefined)?.aborted) throw error;
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      throw new CliError(exitCodes.failed, `Berth is not reachable at ${this.baseUrl}: ${cause}`);
    }
  }
}
