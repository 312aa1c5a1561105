import { Agent, request } from 'node:http';

export interface ProxyAnswer {
  status: number;
  body: string;
}

/** Sends a request through Berth's proxy listener on loopback with the given Host header. */
export function getThroughProxy(listen: string, hostname: string, path: string, timeoutMs = 3000, agent: Agent | false = false): Promise<ProxyAnswer> {
  const [host, port] = [listen.slice(0, listen.lastIndexOf(':')), Number(listen.slice(listen.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, headers: { host: hostname }, timeout: timeoutMs, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').trim() }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends requests one after another until `stop()` is called, bounded by
 * `maxRequests` and `maxMs`; counts answers by body and failures.
 */
export function loadLoop(listen: string, hostname: string, path: string, limits: { maxRequests: number; maxMs: number; keepAlive?: boolean } = { maxRequests: 5000, maxMs: 120_000 }) {
  // keepAlive: one connection reused across requests, as a browser or an upstream service holds it.
  const agent = limits.keepAlive ? new Agent({ keepAlive: true, maxSockets: 1 }) : false;
  const bodies = new Map<string, number>();
  const failures: string[] = [];
  const failureTimes: number[] = [];
  let sent = 0;
  let resets = 0;
  let stopped = false;
  const startedAt = Date.now();
  const done = (async () => {
    while (!stopped && sent < limits.maxRequests && Date.now() - startedAt < limits.maxMs) {
      sent += 1;
      try {
        // A connection reset before any answer is retried once, as browsers and HTTP
        // clients do for an idempotent GET; Caddy can reset a new connection while it
        // swaps its config. Resets are counted and reported, not hidden.
        const answer = await getThroughProxy(listen, hostname, path, 3000, agent).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ECONNRESET') throw error;
          resets += 1;
          return getThroughProxy(listen, hostname, path, 3000, agent);
        });
        if (answer.status !== 200) {
          failures.push(`HTTP ${answer.status} ${answer.body.slice(0, 80)}`);
          failureTimes.push(Date.now());
        } else bodies.set(answer.body, (bodies.get(answer.body) ?? 0) + 1);
      } catch (error) {
        failures.push((error as Error).message);
        failureTimes.push(Date.now());
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      if (agent) agent.destroy();
      return { sent, bodies: Object.fromEntries(bodies), failures, failureTimes, resets };
    },
  };
}
