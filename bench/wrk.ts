import { spawn } from 'node:child_process';

/** What one wrk run counted, split by kind of failure. */
export interface WrkReport {
  requests: number;
  non2xx: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
}

/** Pure: reads wrk's summary (`Socket errors: connect 0, read 1, write 0, timeout 0`, `Non-2xx or 3xx responses: 3`). */
export function parseWrk(output: string): WrkReport {
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? NaN);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const [connect, read, write, timeout] = socket ? socket.slice(1).map(Number) : [0, 0, 0, 0];
  return { requests, non2xx, connect, read, write, timeout };
}

export function describeWrk(report: WrkReport): string {
  const failed = report.non2xx + report.connect + report.read + report.write + report.timeout;
  return `${failed} failed of ${report.requests} (non-2xx ${report.non2xx}, connect ${report.connect}, reset/read ${report.read}, write ${report.write}, timeout ${report.timeout})`;
}

/**
 * Debian's wrk as the keep-alive load generator: `connections` kept-alive
 * connections on one thread against `url` with a Host header, for at most
 * `maxSeconds`; `stop()` ends it early (wrk prints its summary on SIGINT).
 */
export function startWrk(url: string, hostname: string, maxSeconds: number, connections = 8): { stop(): Promise<WrkReport> } {
  const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${maxSeconds}s`, '--timeout', '5s', '-H', `Host: ${hostname}`, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<WrkReport>((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`wrk could not start (apt-get install -y wrk): ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(parseWrk(output)) : reject(new Error(`wrk exited ${code}: ${output}`))));
  });
  return {
    stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return done;
    },
  };
}
