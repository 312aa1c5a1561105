import http from 'node:http';

/** How a failed request arose, so a failure can be traced to its cause. */
export interface LoadFailure {
  at: number;
  /** `http-status`: the proxy answered >= 400; `reused-connection`: the error hit a kept-alive connection; `new-connection`: a fresh one. */
  kind: 'http-status' | 'reused-connection' | 'new-connection';
  detail: string;
}

export interface LoadReport {
  sent: number;
  bodies: Record<string, number>;
  failures: LoadFailure[];
  /** Connections opened in all: a number near `connections` means keep-alive held. */
  connectionsOpened: number;
}

/**
 * Concurrent keep-alive clients through the proxy: each of `connections`
 * loops sends GETs one after another on one kept-alive connection, bounded by
 * `maxRequests` (in all) and `maxMs`. Nothing is retried: every failure is
 * reported with how it arose.
 */
export function keepAliveLoad(listen: string, hostname: string, path: string, limits = { connections: 6, maxRequests: 20_000, maxMs: 60_000 }) {
  const at = listen.lastIndexOf(':');
  const [host, port] = [listen.slice(0, at).replace(/^\[|\]$/g, ''), Number(listen.slice(at + 1))];
  const bodies = new Map<string, number>();
  const failures: LoadFailure[] = [];
  let sent = 0;
  let connectionsOpened = 0;
  let stopped = false;
  const startedAt = Date.now();
  const one = (agent: http.Agent) =>
    new Promise<void>((resolve) => {
      const req = http.request({ host, port, path, agent, headers: { host: hostname }, timeout: 5000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8').trim();
          if ((res.statusCode ?? 0) >= 400) failures.push({ at: Date.now(), kind: 'http-status', detail: `HTTP ${res.statusCode} ${body.slice(0, 80)}` });
          else bodies.set(body, (bodies.get(body) ?? 0) + 1);
          resolve();
        });
        res.on('error', (error) => {
          failures.push({ at: Date.now(), kind: req.reusedSocket ? 'reused-connection' : 'new-connection', detail: `during the answer: ${error.message}` });
          resolve();
        });
      });
      req.on('socket', (socket) => {
        if (!req.reusedSocket) connectionsOpened += 1;
        void socket;
      });
      req.on('timeout', () => req.destroy(new Error('no answer within 5000ms')));
      req.on('error', (error: NodeJS.ErrnoException) => {
        failures.push({ at: Date.now(), kind: req.reusedSocket ? 'reused-connection' : 'new-connection', detail: `${error.code ?? ''} ${error.message}`.trim() });
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: limits.connections }, async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (!stopped && sent < limits.maxRequests && Date.now() - startedAt < limits.maxMs) {
      sent += 1;
      await one(agent);
    }
    agent.destroy();
  });
  return {
    async stop(): Promise<LoadReport> {
      stopped = true;
      await Promise.all(loops);
      return { sent, bodies: Object.fromEntries(bodies), failures, connectionsOpened };
    },
  };
}

/**
 * The one failure nginx's reload causes by design (before `keepalive_min_timeout`): an old worker
 * closes an idle kept-alive connection while the client's next request is on its way, so
 * the request meets a reset before any answer. Nothing else counts as this.
 */
export function isReloadReset(failure: LoadFailure): boolean {
  return failure.kind === 'reused-connection' && /ECONNRESET|socket hang up|EPIPE/.test(failure.detail) && !failure.detail.startsWith('during the answer');
}

export function describeLoad(label: string, report: LoadReport): string {
  const kinds = report.failures.reduce<Record<string, number>>((counts, failure) => ({ ...counts, [failure.kind]: (counts[failure.kind] ?? 0) + 1 }), {});
  return (
    `${label}: ${report.sent} requests on ${report.connectionsOpened} keep-alive connections, ${report.failures.length} failed ${JSON.stringify(kinds)}, ` +
    `answers ${JSON.stringify(report.bodies)}${report.failures.map((failure) => `\n  ${failure.kind}: ${failure.detail}`).join('')}`
  );
}
