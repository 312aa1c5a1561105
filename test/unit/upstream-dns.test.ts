import dnsPacket from 'dns-packet';
import { answerQuery } from '../../src/proxy/dns/dns-answers';
import { addressOfTarget, srvName, srvTargets, upstreamOfDial } from '../../src/proxy/dns/upstream-names';

const table: Record<string, string[]> = { 'berth_web_staging.berth.': ['127.0.0.1:21004', '127.0.0.2:21005'] };
const lookup = (name: string) => table[name];
const query = (type: 'SRV' | 'A' | 'AAAA', name: string) => ({ type: 'query' as const, id: 7, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }] });
const flags = (rcode: number) => dnsPacket.AUTHORITATIVE_ANSWER | dnsPacket.RECURSION_DESIRED | rcode;

describe('upstream dns names', () => {
  it('names a route by its Caddy @id in the berth. zone, hashing ids longer than one label', () => {
    expect(srvName('berth_web_staging')).toBe('berth_web_staging.berth.');
    expect(srvName('Berth_Web_Staging')).toBe('berth_web_staging.berth.');
    const long = srvName(`berth_web_preview__${'x'.repeat(60)}`);
    expect(long).toMatch(/^berth_web_preview__x{27}-[0-9a-f]{16}\.berth\.$/);
    expect(long.split('.')[0]).toHaveLength(63);
    expect(srvName(`berth_web_preview__${'x'.repeat(59)}y`)).not.toBe(long);
  });

  it('spells IPv4 upstreams as target names, and refuses anything else', () => {
    expect(srvTargets(['127.0.0.1:21004', '10.1.2.3:80'])).toEqual([
      { target: 'ip-127-0-0-1.berth.', port: 21004 },
      { target: 'ip-10-1-2-3.berth.', port: 80 },
    ]);
    expect(srvTargets(['web-1:8080'])).toBeUndefined();
    expect(srvTargets(['127.0.0.1:21004', '[::1]:21005'])).toBeUndefined();
    expect(srvTargets(['300.0.0.1:80'])).toBeUndefined();
    expect(srvTargets(['127.0.0.1:0'])).toBeUndefined();
    expect(srvTargets([])).toBeUndefined();
  });

  it('reads a target name back to its address, and what Caddy dialled back to the upstream', () => {
    expect(addressOfTarget('ip-127-0-0-1.berth.')).toBe('127.0.0.1');
    expect(addressOfTarget('IP-127-0-0-1.BERTH')).toBe('127.0.0.1');
    expect(addressOfTarget('ip-127-0-0-1.example.')).toBeUndefined();
    expect(addressOfTarget('ip-127-0-0-999.berth.')).toBeUndefined();
    expect(upstreamOfDial('ip-127-0-0-1.berth.:21004')).toBe('127.0.0.1:21004');
    expect(upstreamOfDial('127.0.0.1:21004')).toBe('127.0.0.1:21004');
    expect(upstreamOfDial('web-1:8080')).toBe('web-1:8080');
  });
});

describe('upstream dns answers', () => {
  it('answers SRV for a route with its upstreams as ip- targets, authoritative, TTL 0', () => {
    expect(answerQuery(query('SRV', 'berth_web_staging.berth'), lookup)).toEqual({
      type: 'response',
      id: 7,
      flags: flags(0),
      questions: [{ type: 'SRV', name: 'berth_web_staging.berth' }],
      answers: [
        { type: 'SRV', name: 'berth_web_staging.berth', ttl: 0, data: { priority: 10, weight: 10, port: 21004, target: 'ip-127-0-0-1.berth.' } },
        { type: 'SRV', name: 'berth_web_staging.berth', ttl: 0, data: { priority: 10, weight: 10, port: 21005, target: 'ip-127-0-0-2.berth.' } },
      ],
    });
  });

  it('answers A for a target with the address it spells, and AAAA with nothing', () => {
    expect(answerQuery(query('A', 'IP-127-0-0-1.berth'), lookup)).toEqual({
      type: 'response',
      id: 7,
      flags: flags(0),
      questions: [{ type: 'A', name: 'IP-127-0-0-1.berth' }],
      answers: [{ type: 'A', name: 'IP-127-0-0-1.berth', ttl: 0, data: '127.0.0.1' }],
    });
    expect(answerQuery(query('AAAA', 'ip-127-0-0-1.berth'), lookup)).toMatchObject({ flags: flags(0), answers: [] });
  });

  it('says no such name for an unknown route (Caddy then uses the static upstreams), and empty for other types of a known one', () => {
    expect(answerQuery(query('SRV', 'berth_web_gone.berth'), lookup)).toMatchObject({ flags: flags(3), answers: [] });
    expect(answerQuery(query('A', 'berth_web_staging.berth'), lookup)).toMatchObject({ flags: flags(0), answers: [] });
  });

  it('round-trips through the wire format', () => {
    const wire = dnsPacket.encode(answerQuery(dnsPacket.decode(dnsPacket.encode(query('SRV', 'berth_web_staging.berth.'))), lookup));
    expect(dnsPacket.decode(wire).answers?.map((answer) => answer.type === 'SRV' && answer.data)).toEqual([
      { priority: 10, weight: 10, port: 21004, target: 'ip-127-0-0-1.berth' },
      { priority: 10, weight: 10, port: 21005, target: 'ip-127-0-0-2.berth' },
    ]);
  });
});
