import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { AesGcmCodec } from '../../src/codec/aes-gcm-codec';
import type { DeployRecord } from '../../src/model/types';
import { eventually } from '../support/eventually';
import { Harness, tokens } from '../support/berth-harness';
import { ensureLeakyImage, leakyTag } from '../support/fixture-leaky';
import { codecJson, encodingOf, rawHistory, walkHistory } from '../support/raw-history';
import { readWorld } from '../support/world';

// What the leaky app is given, and prints; none of it may leave Berth.
const secrets = { url: 'postgres://berth_app:Sup3r-S3cret-pw@127.0.0.1:5432/app', password: 'Sup3r-S3cret-pw', apiKey: 'sk_live_leaky_0123456789' };
// Not secrets, but nobody who reads the Temporal cluster without a key may read them.
const confidential = { setting: 'plain-setting-only-decoded-7c1', commitTime: '2026-11-01T10:00:00.000Z', comment: 'approved by the night shift 7f3a' };
const keys = { k1: randomBytes(32), k2: randomBytes(32) };

describe('secrets in a deploy that fails, and encrypted payloads', () => {
  const world = readWorld();
  const berth = new Harness({
    name: 'security',
    project: {
      image: `${world.registryAddress}/fixture/leaky`,
      env: { PLAIN_SETTING: confidential.setting },
      secrets: { DATABASE_URL: 'env:SEC_DATABASE_URL', DB_PASSWORD: 'env:SEC_DB_PASSWORD', API_KEY: 'env:SEC_API_KEY' },
      health: { path: '/health', interval: '200ms', timeout: '1s', retries: 5, monitor: '0s' },
    },
    environments: { staging: {}, production: { approval: 'required' } },
    temporal: { encryption: { keys: { k1: 'env:SEC_KEY_K1', k2: 'env:SEC_KEY_K2' }, current: 'k1' } },
    api: { codec: { corsOrigins: ['http://127.0.0.1:8233'] } },
  });
  let record: DeployRecord;

  beforeAll(async () => {
    Object.assign(process.env, { SEC_DATABASE_URL: secrets.url, SEC_DB_PASSWORD: secrets.password, SEC_API_KEY: secrets.apiKey });
    Object.assign(process.env, { SEC_KEY_K1: keys.k1.toString('hex'), SEC_KEY_K2: keys.k2.toString('base64') });
    await ensureLeakyImage({ registry: world.registryAddress, docker: berth.docker });
    await berth.start();
    const id = await berth.deploy(leakyTag, 'production', { commit: 'c0ffee1234567', commitTime: confidential.commitTime });
    await eventually(async () => (await berth.request('GET', `/v1/deployments/${id}`)).body.status === 'awaiting_approval', { what: `${id} waiting for approval` });
    expect((await berth.request('POST', `/v1/deployments/${id}/approve`, { comment: confidential.comment })).status).toBe(200);
    record = await berth.waitForEnd(id);
  });
  afterAll(() => berth.stop());

  const expectScrubbed = (text: string) => {
    expect(text).toContain('[redacted]');
    for (const value of Object.values(secrets)) expect(text).not.toContain(value);
  };

  it('shows the crash with the secrets masked in the record, the event stream and the webhook', async () => {
    expect({ status: record.status, failedStep: record.failedStep }).toEqual({ status: 'failed', failedStep: 'health' });
    expect(record.logTail).toContain('starting with DATABASE_URL=[redacted]');
    expect(record.logTail).toContain('API_KEY=[redacted]');
    expectScrubbed(JSON.stringify(record));
    const stream = await fetch(`${berth.apiUrl}/v1/deployments/${record.id}/events`, { headers: { authorization: `Bearer ${tokens.reader}` } });
    const events = await stream.text();
    expect(events).toContain('event: end');
    expectScrubbed(events);
    const hook = berth.receiver.received.find((received) => received.json.deploymentId === record.id && received.json.event === 'failed')!;
    expectScrubbed(hook.body);
  });

  it('keeps env values, commit time, the approval comment and failure messages out of the raw history; the key reads them back', async () => {
    const { payloads, text } = walkHistory(await rawHistory(berth, record.id));
    expect(payloads.length).toBeGreaterThan(10);
    expect([...new Set(payloads.map(encodingOf))]).toEqual(['binary/encrypted']);
    // Failure messages are encoded too: the crashed container's log tail is no plainer than the rest.
    const failureText = ['container exited with code 3', 'could not connect to'];
    for (const value of [...Object.values(secrets), ...Object.values(confidential), ...failureText]) expect(text).not.toContain(value);

    const codec = new AesGcmCodec(new Map([['k1', keys.k1]]), 'k1');
    const decoded = JSON.stringify((await codec.decode(payloads)).map((payload) => defaultPayloadConverter.fromPayload(payload)));
    for (const value of [...Object.values(confidential), ...failureText]) expect(decoded).toContain(value);
    expectScrubbed(decoded);
  });

  it('serves the codec endpoint to a read token from the Web UI origin only', async () => {
    const { payloads } = walkHistory(await rawHistory(berth, record.id));
    const body = { payloads: payloads.slice(0, 3).map(codecJson) };
    const post = (token: string, origin?: string) =>
      fetch(`${berth.apiUrl}/codec/decode`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-namespace': 'default', ...(origin && { origin }) },
        body: JSON.stringify(body),
      });
    const answer = await post(tokens.reader);
    expect(answer.status).toBe(200);
    const decoded = (await answer.json()) as { payloads: Array<{ metadata: Record<string, string> }> };
    expect(decoded.payloads.map((p) => Buffer.from(p.metadata.encoding, 'base64').toString())).toEqual(['json/plain', 'json/plain', 'json/plain']);
    expect((await post(tokens.ci)).status).toBe(403);
    expect((await post(tokens.reader, 'http://evil.example')).status).toBe(403);
    const preflight = await fetch(`${berth.apiUrl}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' } });
    expect({ status: preflight.status, origin: preflight.headers.get('access-control-allow-origin') }).toEqual({ status: 204, origin: 'http://127.0.0.1:8233' });
  });

  it('after `current` moves to k2, still reads the deploy written under k1 through the API, and seals new payloads with k2', async () => {
    const codec = new AesGcmCodec(new Map([['k1', keys.k1], ['k2', keys.k2]]), 'k2');
    const client = new Client({ connection: berth.client.connection, namespace: 'default', dataConverter: { payloadCodecs: [codec] } });
    const app = createApp({ config: berth.config, client, taskQueue: berth.config.temporal!.taskQueue, tokens: [{ name: 'reader', value: tokens.reader, scopes: ['read'] }], log: pino({ level: 'silent' }), codec });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const headers = { authorization: `Bearer ${tokens.reader}`, 'content-type': 'application/json' };
      const read = await fetch(`${base}/v1/deployments/${record.id}`, { headers });
      expect({ status: read.status, body: await read.json() }).toEqual({ status: 200, body: record });
      const plain = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: Buffer.from('"hello"').toString('base64') };
      const sealed = (await (await fetch(`${base}/codec/encode`, { method: 'POST', headers, body: JSON.stringify({ payloads: [plain] }) })).json()) as { payloads: Array<{ metadata: Record<string, string> }> };
      expect(Buffer.from(sealed.payloads[0].metadata['encryption-key-id'], 'base64').toString()).toBe('k2');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('answers a garbled page token with 400 at once, and a body over 64 KB with 413', async () => {
    expect(await berth.request('GET', '/v1/deployments?pageToken=abc', undefined, tokens.reader)).toEqual({
      status: 400,
      body: { error: { code: 'invalid_request', message: 'pageToken: should be the nextPageToken of an earlier page with the same filters' } },
    });
    const big = await berth.request('POST', '/v1/deployments', { project: 'x'.repeat(70_000) }, tokens.ci);
    expect(big).toEqual({ status: 413, body: { error: { code: 'payload_too_large', message: 'body: larger than 65536 bytes' } } });
  });
});
