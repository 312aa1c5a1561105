import { request } from 'node:http';

export interface ProbeTarget {
  /** `http://127.0.0.1:21004/health` */
  url: string;
  /** Sent as Host, so a probe through the proxy hits the environment's route. */
  hostHeader?: string;
  timeoutMs: number;
}

export interface ProbeAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET that keeps the answer, for comparing what the proxy serves with what a release serves. */
export function fetchAnswer(target: ProbeTarget): Promise<ProbeAnswer | { problem: string }> {
  const url = new URL(target.url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port,
        path: url.pathname + url.search,
        headers: target.hostHeader ? { host: target.hostHeader } : {},
        timeout: target.timeoutMs,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
        res.on('error', (error) => resolve({ problem: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${target.timeoutMs}ms`)));
    req.on('error', (error) => resolve({ problem: error.message }));
    req.end();
  });
}

/** One GET; undefined when the answer is below 400, else a short description of what was wrong. */
export async function probe(target: ProbeTarget): Promise<string | undefined> {
  const answer = await fetchAnswer(target);
  if ('problem' in answer) return answer.problem;
  return answer.status < 400 ? undefined : `HTTP ${answer.status}`;
}
