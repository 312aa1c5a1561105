import { request } from 'node:http';

export interface AdminResponse {
  status: number;
  ok: boolean;
  text: string;
}

/**
 * One request on a fresh connection. Caddy restarts its admin endpoint when a
 * config change touches `apps`, which breaks a kept-alive connection under the
 * next request; a connection per request avoids that.
 */
export function adminRequest(url: URL, method: string, body: string | undefined, timeoutMs: number, extraHeaders: Record<string, string> = {}): Promise<AdminResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        method,
        agent: false,
        timeout: timeoutMs,
        headers: body === undefined ? extraHeaders : { ...extraHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
