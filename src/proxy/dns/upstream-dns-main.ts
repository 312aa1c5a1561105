/**
 * `node upstream-dns-main.js <host:port> <stateDir>`: the upstream responder
 * as its own process, started beside Caddy. It lives outside the worker so
 * that a worker crash after a switch leaves Caddy's dynamic upstreams
 * answering; its only state is the state directory.
 */
import { createLogger } from '../../logger';
import { startUpstreamDnsServer } from './upstream-dns-server';

async function main(): Promise<void> {
  const [address, stateDir] = process.argv.slice(2);
  const match = /^(\[[0-9a-fA-F:]+\]|[\d.]+):(\d{1,5})$/.exec(address ?? '');
  if (!match || !stateDir) {
    process.stderr.write('usage: upstream-dns-main <ip:port> <stateDir>\n');
    process.exit(2);
  }
  const log = createLogger({ name: 'upstream-dns' });
  const host = match[1].replace(/^\[|\]$/g, '');
  const socket = await startUpstreamDnsServer({ host, port: Number(match[2]), stateDir, log });
  log.info({ address, stateDir, pid: process.pid }, 'upstream dns responder listening');
  const stop = () => socket.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  process.stderr.write(`upstream dns responder failed: ${error.message}\n`);
  process.exit(1);
});
