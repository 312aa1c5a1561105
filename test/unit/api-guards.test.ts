import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { listQuery } from '../../src/api/deployment-list-router';
import { HttpError } from '../../src/api/http-error';
import { reaches } from '../../src/api/token-reach';
import { decodePageToken, encodePageToken } from '../../src/api/visibility';
import { parseConfig } from '../../src/config/load-config';

const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:T', scopes: ['deploy'] }] },
  hosts: { local: {} },
  projects: {
    web: { image: '127.0.0.1:5000/fixture/web', environments: { staging: { host: 'local', hostname: 'a.localhost' }, production: { host: 'local', hostname: 'b.localhost' } } },
    api: { image: '127.0.0.1:5000/fixture/api', environments: { staging: { host: 'local', hostname: 'c.localhost' } } },
  },
});

describe('page tokens', () => {
  const query = 'BerthProject = "web"';
  const temporalToken = Buffer.from('opaque temporal token');

  it('round-trip for the query they were issued for, and are refused for anything else', () => {
    expect(decodePageToken(query, encodePageToken(query, temporalToken))).toEqual(temporalToken);
    const refusal = new HttpError('invalid_request', 'pageToken: should be the nextPageToken of an earlier page with the same filters');
    for (const token of ['abc', encodePageToken('BerthProject = "api"', temporalToken), encodePageToken(query, temporalToken).slice(0, -2), 'A'.repeat(40)]) {
      expect(() => decodePageToken(query, token)).toThrow(refusal);
    }
  });
});

describe('token reach', () => {
  const limited = { name: 'ci-web', scopes: ['deploy' as const], projects: ['web'], environments: ['staging'] };

  it('admits only its projects and environments; an unlimited token reaches everything', () => {
    expect([reaches(limited, 'web', ['staging']), reaches(limited, 'web', ['production']), reaches(limited, 'api', ['staging']), reaches(limited, 'web', ['staging', 'production'])]).toEqual([true, false, false, false]);
    expect(reaches({ name: 'ops', scopes: ['deploy'] }, 'api', ['staging', 'production'])).toBe(true);
    expect(reaches({ name: 'p', scopes: ['read'], projects: ['api'] }, 'api', ['anything'])).toBe(true);
  });

  it('narrows an unfiltered list to what the token reaches', () => {
    const types = 'WorkflowType IN ("deployWorkflow", "rollbackWorkflow", "pipelineWorkflow")';
    expect(listQuery(config, {}, limited)).toBe(`${types} AND BerthProject IN ("web") AND BerthEnvironment IN ("staging")`);
    expect(listQuery(config, {}, {})).toBe(`${types} AND BerthProject IN ("web", "api")`);
  });
});

describe('requests refused before anything runs', () => {
  const app = createApp({ config, client: {} as Client, taskQueue: 'berth', tokens: [{ name: 'ci', value: 'ci-token', scopes: ['deploy'] }, { name: 'reader', value: 'reader-token', scopes: ['read'] }], log: pino({ level: 'silent' }) });
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const call = async (path: string, init: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    return { status: response.status, body: await response.json() };
  };
  const auth = { authorization: 'Bearer ci-token' };

  it('answers 413 for a body over 64 KB, 415 for a body that is not JSON, 400 for a broken path escape', async () => {
    expect(await call('/v1/deployments', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ project: 'x'.repeat(70_000) }) })).toEqual({
      status: 413,
      body: { error: { code: 'payload_too_large', message: 'body: larger than 65536 bytes' } },
    });
    expect(await call('/v1/deployments', { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' })).toEqual({
      status: 415,
      body: { error: { code: 'unsupported_media_type', message: 'body: should be application/json, not "text/plain"' } },
    });
    expect(await call('/v1/deployments/%ZZ', { headers: auth })).toEqual({ status: 400, body: { error: { code: 'invalid_request', message: 'path: not valid percent-encoding' } } });
  });

  it('answers the codec preflight only for configured origins', async () => {
    const preflight = await fetch(`${base}/codec/decode`, { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('signs a browser in to the codec with a read token: a cookie only /codec/ honours', async () => {
    const signIn = await fetch(`${base}/codec/login`, { method: 'POST', headers: { authorization: 'Bearer reader-token' } });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('set-cookie')).toMatch(/^berth_codec=reader-token; Max-Age=43200; Path=\/codec; Expires=.*; HttpOnly; SameSite=Strict$/);
    const cookie = { cookie: 'berth_codec=reader-token' };
    // Past authentication (nothing to decode with: encryption is not configured here).
    expect((await call('/codec/decode', { method: 'POST', headers: { ...cookie, 'content-type': 'application/json' }, body: '{"payloads":[]}' })).status).toBe(404);
    expect((await call('/metrics', { headers: cookie })).status).toBe(401);
    expect((await fetch(`${base}/codec/login`, { method: 'POST', headers: { authorization: 'Bearer ci-token' } })).status).toBe(403);
  });
});
