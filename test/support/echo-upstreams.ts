import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Plain HTTP servers on 127.0.0.1 that answer their own name, standing in for releases behind a route. */
export async function echoUpstreams(names: string[]): Promise<{ addresses: Record<string, string>; stop(): Promise<void> }> {
  const servers = await Promise.all(
    names.map(
      (name) =>
        new Promise<http.Server>((resolve) => {
          const server = http.createServer((_request, response) => response.end(name));
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const addresses = Object.fromEntries(names.map((name, i) => [name, `127.0.0.1:${(servers[i].address() as AddressInfo).port}`]));
  return {
    addresses,
    async stop() {
      for (const server of servers) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
