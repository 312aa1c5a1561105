/**
 * Pure: the responder's answer to one DNS query, from a lookup of route
 * upstreams. SRV for a route's name lists its upstreams as `ip-…` targets;
 * A for such a target gives the address it spells. Answers are
 * authoritative with TTL 0: Caddy caches for its own `refresh` and nothing
 * else should cache at all.
 */
import dnsPacket, { type Answer, type Packet } from 'dns-packet';
import { addressOfTarget, srvTargets } from './upstream-names';

const nameError = 3;
const notImplemented = 4;

/** The upstreams of the route whose SRV name is `name` (lowercase), or undefined when there is none. */
export type RouteLookup = (name: string) => string[] | undefined;

export function answerQuery(query: Packet, lookup: RouteLookup): Packet {
  const questions = query.questions ?? [];
  const reply = (rcode: number, answers: Answer[] = []): Packet => ({
    type: 'response',
    id: query.id,
    // Echo "recursion desired"; Go's resolver takes a non-authoritative empty answer for a lame referral.
    flags: dnsPacket.AUTHORITATIVE_ANSWER | ((query.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | rcode,
    questions,
    answers,
  });
  if (questions.length !== 1) return reply(notImplemented);
  const [question] = questions;
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const address = addressOfTarget(name);
  if (address) {
    // An `ip-…` name has exactly one A record and no other (AAAA gets an empty, successful answer).
    return reply(0, question.type === 'A' ? [{ type: 'A', name: question.name, ttl: 0, data: address }] : []);
  }
  const targets = srvTargets(lookup(`${name}.`) ?? []);
  if (!targets) return reply(nameError);
  if (question.type !== 'SRV') return reply(0);
  return reply(
    0,
    targets.map(({ target, port }) => ({ type: 'SRV', name: question.name, ttl: 0, data: { priority: 10, weight: 10, port, target } })),
  );
}
