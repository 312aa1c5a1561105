import dgram from 'node:dgram';
import dnsPacket from 'dns-packet';
import { upstreamOfDial } from './upstream-names';

/**
 * Asks the responder for a route's SRV records, as Caddy will: the
 * upstreams it answers (`127.0.0.1:21004` form), [] for "no such route",
 * or undefined when it does not answer within timeoutMs.
 */
export async function querySrvUpstreams(server: { host: string; port: number }, name: string, timeoutMs: number): Promise<string[] | undefined> {
  return (await querySrvMany(server, [name], timeoutMs)).get(name);
}

/**
 * The same for many routes over one socket, `inFlight` queries at a time, so
 * a host sweep over a thousand routes opens one socket, not a thousand. Each
 * query has its own timeout; a name asked twice is asked once.
 */
export function querySrvMany(server: { host: string; port: number }, names: string[], timeoutMs: number, inFlight = 16): Promise<Map<string, string[] | undefined>> {
  const queue = [...new Set(names)];
  const answers = new Map<string, string[] | undefined>();
  if (queue.length === 0) return Promise.resolve(answers);
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    const pending = new Map<number, { name: string; timer: NodeJS.Timeout }>();
    let nextId = Math.floor(Math.random() * 65535);
    let done = false;
    const settle = (id: number, result: string[] | undefined) => {
      const query = pending.get(id);
      if (!query) return;
      clearTimeout(query.timer);
      pending.delete(id);
      answers.set(query.name, result);
      sendMore();
    };
    const sendMore = () => {
      while (pending.size < inFlight && queue.length > 0) {
        const name = queue.shift()!;
        const id = (nextId = (nextId + 1) % 65536);
        pending.set(id, { name, timer: setTimeout(() => settle(id, undefined), timeoutMs) });
        socket.send(dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type: 'SRV', name }] }));
      }
      if (pending.size === 0 && !done) {
        done = true;
        socket.close();
        resolve(answers);
      }
    };
    // Connected, so a closed port shows as an ECONNREFUSED rather than a timeout. The socket reports
    // that once (and the kernel rate-limits the ICMP behind it), so after it no query counts as answered.
    socket.on('error', () => {
      queue.splice(0).forEach((name) => answers.set(name, undefined));
      for (const id of [...pending.keys()]) settle(id, undefined);
      sendMore();
    });
    socket.on('message', (message) => {
      let reply: ReturnType<typeof dnsPacket.decode>;
      try {
        reply = dnsPacket.decode(message);
      } catch {
        return; // Not a DNS answer: keep waiting until the timeout.
      }
      if (reply.id === undefined || !pending.has(reply.id)) return;
      if ((reply.flags ?? 0) & 15) return settle(reply.id, []);
      settle(
        reply.id,
        (reply.answers ?? []).flatMap((answer) => (answer.type === 'SRV' ? [upstreamOfDial(`${answer.data.target}:${answer.data.port}`)] : [])),
      );
    });
    socket.connect(server.port, server.host, sendMore);
  });
}
