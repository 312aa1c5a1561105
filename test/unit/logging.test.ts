import { Writable } from 'node:stream';
import express from 'express';
import { bindRequestBody, requestLog, subjectOf } from '../../src/api/request-log';
import { parseConfig } from '../../src/config/load-config';
import { createLogger } from '../../src/logger';

/** A pino destination that keeps each JSON line. */
function capture() {
  const lines: any[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

const config = parseConfig({
  api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
  hosts: { local: {} },
  projects: {
    web: { image: 'r/web', environments: { staging: { host: 'local', hostname: 'a' }, production: { host: 'local', hostname: 'b' } } },
    'web-api': { image: 'r/api', environments: { staging: { host: 'local', hostname: 'c' } } },
  },
});

describe('log redaction', () => {
  it('hides tokens, passwords, secrets and authorization headers wherever they sit', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'info' }, stream);
    log.info(
      {
        token: 'tok-1',
        password: 'pw-1',
        registry: { password: 'pw-2', username: 'ci' },
        headers: { authorization: 'Bearer tok-2', 'content-type': 'application/json' },
        req: { headers: { authorization: 'Bearer tok-3', cookie: 'session=tok-4' } },
        receiver: { secret: 'hook-secret' },
        outgoing: { headers: { Authorization: 'Basic tok-5' } },
      },
      'something happened',
    );
    const text = JSON.stringify(lines);
    for (const secret of ['tok-1', 'pw-1', 'pw-2', 'tok-2', 'tok-3', 'tok-4', 'hook-secret', 'tok-5']) expect(text).not.toContain(secret);
    expect(lines[0]).toMatchObject({ token: '[redacted]', registry: { username: 'ci' }, headers: { 'content-type': 'application/json' }, msg: 'something happened' });
  });
});

describe('request logs', () => {
  it('name the deployment, project and environment a request is about', () => {
    expect(subjectOf(config, 'GET', '/v1/deployments/web-production-m1abc', {}, undefined)).toEqual({ deploymentId: 'web-production-m1abc', project: 'web', environment: 'production' });
    expect(subjectOf(config, 'GET', '/v1/deployments/web-api-staging-m1abc/events', {}, undefined)).toEqual({ deploymentId: 'web-api-staging-m1abc', project: 'web-api', environment: 'staging' });
    expect(subjectOf(config, 'POST', '/v1/projects/web/environments/staging/rollback', {}, {})).toEqual({ project: 'web', environment: 'staging' });
    expect(subjectOf(config, 'GET', '/v1/deployments', { project: 'web' }, undefined)).toEqual({ project: 'web' });
  });

  it('log one line per request with those fields, the caller and the status, and no token', async () => {
    const { lines, stream } = capture();
    const app = express();
    app.use(requestLog(config, createLogger({ level: 'info' }, stream)));
    app.use(express.json());
    app.use(bindRequestBody(config));
    app.use((_req, res, next) => {
      res.locals.caller = { name: 'ci', scopes: ['deploy'] };
      next();
    });
    app.post('/v1/deployments', (_req, res) => {
      res.status(202).location('/v1/deployments/web-staging-m1new').json({ id: 'web-staging-m1new' });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/v1/deployments`, {
      method: 'POST',
      headers: { authorization: 'Bearer very-secret-token', 'content-type': 'application/json' },
      body: JSON.stringify({ project: 'web', environment: 'staging', tag: 'v2' }),
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));

    expect(lines).toEqual([
      expect.objectContaining({ msg: 'request', method: 'POST', path: '/v1/deployments', project: 'web', environment: 'staging', deploymentId: 'web-staging-m1new', caller: 'ci', status: 202, durationMs: expect.any(Number) }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('very-secret-token');
  });
});
