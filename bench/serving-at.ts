import { sleep } from './stats';
import { getThroughProxy } from '../test/support/proxy-client';

/** Polls the proxy on fresh connections until it answers `body`; the time it first did. */
export async function servingAt(listen: string, hostname: string, body: string, deadline: number): Promise<number> {
  while (Date.now() < deadline) {
    const answer = await getThroughProxy(listen, hostname, '/version', 1000).catch(() => undefined);
    if (answer?.status === 200 && answer.body === body) return Date.now();
    await sleep(5);
  }
  throw new Error(`${hostname} did not answer ${body} in time`);
}
