/**
 * Pure: the DNS names Berth's upstream responder answers. Caddy looks a
 * route's upstreams up as SRV records, then resolves each SRV target. Go's
 * resolver drops all-numeric SRV targets, so an upstream's IPv4 address is
 * spelled as a name (`ip-127-0-0-1.berth.`) that the responder turns back
 * into exactly that address.
 */
import { createHash } from 'node:crypto';

/** The zone every name lives in; absolute, so no search domain is ever appended. */
export const upstreamZone = 'berth.';

/** One SRV record's target and port. */
export interface SrvTarget {
  target: string;
  port: number;
}

const ipv4Upstream = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d{1,5})$/;
const ipName = /^ip-(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})\.berth\.?$/i;

/** The SRV name of a route, from its Caddy @id; a label holds at most 63 characters, so long ids are hashed. */
export function srvName(routeId: string): string {
  const label = routeId.toLowerCase();
  if (label.length <= 63) return `${label}.${upstreamZone}`;
  return `${label.slice(0, 46)}-${createHash('sha256').update(label).digest('hex').slice(0, 16)}.${upstreamZone}`;
}

/** The SRV targets for `upstreams`, or undefined when one is not IPv4:port (those routes stay static). */
export function srvTargets(upstreams: string[]): SrvTarget[] | undefined {
  const targets: SrvTarget[] = [];
  for (const upstream of upstreams) {
    const match = ipv4Upstream.exec(upstream);
    if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255) || Number(match[5]) < 1 || Number(match[5]) > 65535) return undefined;
    targets.push({ target: `ip-${match.slice(1, 5).join('-')}.${upstreamZone}`, port: Number(match[5]) });
  }
  return targets.length > 0 ? targets : undefined;
}

/** The IPv4 address an `ip-…` target name stands for, or undefined for any other name. */
export function addressOfTarget(name: string): string | undefined {
  const match = ipName.exec(name);
  if (!match || match.slice(1, 5).some((octet) => Number(octet) > 255)) return undefined;
  return match.slice(1, 5).join('.');
}

/** `ip-127-0-0-1.berth.:21004` (what Caddy dialled) back to `127.0.0.1:21004`; other values unchanged. */
export function upstreamOfDial(dial: string): string {
  const at = dial.lastIndexOf(':');
  const address = at > 0 ? addressOfTarget(dial.slice(0, at)) : undefined;
  return address ? `${address}${dial.slice(at)}` : dial;
}
