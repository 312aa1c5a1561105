import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { querySrvMany, querySrvUpstreams } from '../../src/proxy/dns/dns-query';
import { startUpstreamDnsServer } from '../../src/proxy/dns/upstream-dns-server';
import { writeUpstreams } from '../../src/proxy/dns/upstream-state';
import { freeLoopbackPort } from '../support/free-port';

/** The responder itself on a loopback port, answering from a temporary state directory. */
describe('querySrvMany', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dns-'));
  let address: { host: string; port: number };
  let server: Awaited<ReturnType<typeof startUpstreamDnsServer>>;

  beforeAll(async () => {
    address = { host: '127.0.0.1', port: await freeLoopbackPort() };
    server = await startUpstreamDnsServer({ ...address, stateDir, log: pino({ level: 'silent' }) });
  });
  afterAll(() => {
    server.close();
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('answers many routes over one socket, a few at a time: upstreams, [] for an unknown route', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `berth_web_e${i}.berth.`);
    names.forEach((name, i) => writeUpstreams(stateDir, name, [`127.0.0.1:${21000 + i}`]));
    const answers = await querySrvMany(address, [...names, 'berth_web_gone.berth.', names[0]], 1000, 4);
    expect(answers.size).toBe(41);
    expect(names.every((name, i) => JSON.stringify(answers.get(name)) === JSON.stringify([`127.0.0.1:${21000 + i}`]))).toBe(true);
    expect(answers.get('berth_web_gone.berth.')).toEqual([]);
    expect(await querySrvUpstreams(address, names[7], 1000)).toEqual(['127.0.0.1:21007']);
    expect(await querySrvMany(address, [], 1000)).toEqual(new Map());
  });

  it('answers undefined for every route when nothing listens', async () => {
    const closed = { host: '127.0.0.1', port: await freeLoopbackPort() };
    const answers = await querySrvMany(closed, ['berth_a.berth.', 'berth_b.berth.', 'berth_c.berth.'], 2000, 2);
    expect([...answers.entries()]).toEqual([
      ['berth_a.berth.', undefined],
      ['berth_b.berth.', undefined],
      ['berth_c.berth.', undefined],
    ]);
  }, 10_000);
});
