import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { upstreamOfDial } from './upstream-names';

/**
 * Asks the responder for a route's SRV records, as Caddy will: the
 * upstreams it answers (`127.0.0.1:21004` form), [] for "no such route",
 * or undefined when it does not answer within timeoutMs.
 */
export function querySrvUpstreams(server: { host: string; port: number }, name: string, timeoutMs: number): Promise<string[] | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    const id = Math.floor(Math.random() * 65535);
    const finish = (result: string[] | undefined) => {
      clearTimeout(timer);
      socket.close();
      resolve(result);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    // Connected, so a closed port shows as an immediate ECONNREFUSED rather than a timeout.
    socket.on('error', () => finish(undefined));
    socket.on('message', (message) => {
      let reply: ReturnType<typeof dnsPacket.decode>;
      try {
        reply = dnsPacket.decode(message);
      } catch {
        return; // Not a DNS answer: keep waiting until the timeout.
      }
      if (reply.id !== id) return;
      if ((reply.flags ?? 0) & 15) return finish([]);
      finish(
        (reply.answers ?? []).flatMap((answer) => (answer.type === 'SRV' ? [upstreamOfDial(`${answer.data.target}:${answer.data.port}`)] : [])),
      );
    });
    socket.connect(server.port, server.host, () => {
      socket.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'SRV', name }] }));
    });
  });
}
