import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Logger } from '../../logger';
import { answerQuery } from './dns-answers';
import { readUpstreams } from './upstream-state';

export interface UpstreamDnsServerOptions {
  host: string;
  port: number;
  stateDir: string;
  log: Logger;
}

/**
 * The UDP responder Caddy asks for each route's upstreams. It reads the
 * route's state file on every query (a few small reads a second under
 * load), so a switch is visible as soon as the file is renamed into place
 * and a restarted responder has nothing to recover.
 */
export async function startUpstreamDnsServer(options: UpstreamDnsServerOptions): Promise<dgram.Socket> {
  const socket = dgram.createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
  socket.on('message', (message, peer) => {
    let reply: Buffer;
    try {
      const query = dnsPacket.decode(message);
      reply = dnsPacket.encode(answerQuery(query, (name) => readUpstreams(options.stateDir, name)));
    } catch (error) {
      // A malformed packet or an unreadable state file: no answer, so Caddy falls back to the route's static upstreams.
      options.log.warn({ error: (error as Error).message, peer: `${peer.address}:${peer.port}` }, 'upstream dns query not answered');
      return;
    }
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(options.port, options.host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  socket.on('error', (error) => options.log.error({ error: error.message }, 'upstream dns socket error'));
  return socket;
}
