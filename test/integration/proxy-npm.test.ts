import fs from 'node:fs';
import path from 'node:path';
import type { Harness } from '../support/berth-harness';
import { freeLoopbackPort } from '../support/free-port';
import { NginxInstance } from '../support/nginx-instance';
import { writeNpmIncludes } from '../support/npm-standin/render';
import { NpmStandIn } from '../support/npm-standin/npm-standin';
import { proxyScenarios, type ProxyWorld } from '../support/proxy-scenarios';

const user = { email: 'admin@example.com', password: 'npm-test-password' };
let npm: NpmStandIn;
let nginx: NginxInstance;
let nginxDir: string;
let foreignId: number;

async function login(): Promise<string> {
  const response = await fetch(`${npm.url}/api/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ identity: user.email, secret: user.password }) });
  return ((await response.json()) as { token: string }).token;
}

/** The test's own calls, as a person in NPM's UI would make them; a fresh login each, since tests expire tokens. */
async function npmCall(method: string, path: string, body?: unknown): Promise<{ status: number; text: string; json: any }> {
  const token = await login();
  const response = await fetch(`${npm.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
}

async function startNpm(): Promise<ProxyWorld> {
  const port = await freeLoopbackPort();
  const listen = `127.0.0.1:${port}`;
  nginxDir = fs.mkdtempSync('/tmp/berth-npm-data-');
  nginx = await NginxInstance.start({ name: 'npm', port, http: writeNpmIncludes(nginxDir, listen) });
  npm = new NpmStandIn({ user, nginx: { listen, nginxDir, test: nginx.testCommand, reload: nginx.reloadCommand } });
  await npm.start();
  process.env.BERTH_TEST_NPM_EMAIL = user.email;
  process.env.BERTH_TEST_NPM_PASSWORD = user.password;
  // The user's own proxy host beside Berth's, with settings Berth must never touch.
  const foreign = await npmCall('POST', '/api/nginx/proxy-hosts', {
    domain_names: ['shop.px-npm.test.localhost'],
    forward_scheme: 'http',
    forward_host: '127.0.0.1',
    forward_port: 9,
    block_exploits: false,
    advanced_config: 'client_max_body_size 5m;',
  });
  foreignId = foreign.json.id;
  return {
    proxyConfig: () => ({ driver: 'npm', url: npm.url, identity: 'env:BERTH_TEST_NPM_EMAIL', secret: 'env:BERTH_TEST_NPM_PASSWORD', listen }),
    async foreignSnapshot() {
      return `${(await npmCall('GET', `/api/nginx/proxy-hosts/${foreignId}`)).text}\n--- conf ---\n${fs.readFileSync(npm.confFile(foreignId), 'utf8')}`;
    },
    async stop() {
      await npm.stop();
      await nginx.stop();
      fs.rmSync(nginxDir, { recursive: true, force: true });
    },
  };
}

function npmOnly({ berth }: { berth: Harness }): void {
  const hostOf = async (hostname: string) => (await npmCall('GET', '/api/nginx/proxy-hosts')).json.find((host: any) => host.domain_names.includes(hostname));

  it('renews an expired token transparently', async () => {
    const { logins, expiredRefused } = npm.counts;
    npm.tokens.expireAll();
    const record = await berth.deployAndWait('v2');

    expect(record.status).toBe('succeeded');
    // NPM refused the worker's expired token, and the worker logged in again without failing a step.
    expect(npm.counts.expiredRefused).toBeGreaterThan(expiredRefused);
    expect(npm.counts.logins).toBeGreaterThan(logins);
    expect(record.steps.every((step) => step.status === 'succeeded')).toBe(true);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
  });

  it('puts the previous forward target back and fails with NPM\'s text when NPM takes the host offline', async () => {
    const before = await hostOf(berth.hostname('staging'));
    npm.breakNextRender = true;
    const record = await berth.deployAndWait('v1');

    expect(record).toMatchObject({ status: 'failed', failedStep: 'switch' });
    expect(record.reason).toContain(`NPM took ${berth.hostname('staging')} offline`);
    expect(record.reason).toMatch(/unknown directive "proxy_pass_header_typo"/);
    const after = await hostOf(berth.hostname('staging'));
    expect([after.forward_host, after.forward_port, after.meta.nginx_online]).toEqual([before.forward_host, before.forward_port, true]);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
  });

  it('refuses, clearly, a proxy host whose advanced_config pins its own location /', async () => {
    const pinned = await npmCall('POST', '/api/nginx/proxy-hosts', {
      domain_names: [berth.hostname('pinned')],
      forward_scheme: 'http',
      forward_host: '127.0.0.1',
      forward_port: 9,
      advanced_config: 'location / {\n  return 200 "pinned\\n";\n}',
    });
    const record = await berth.deployAndWait('v1', 'pinned');

    expect(record).toMatchObject({ status: 'failed', failedStep: 'switch' });
    expect(record.reason).toContain(`NPM proxy host #${pinned.json.id} (${berth.hostname('pinned')}) has an advanced_config that sets its own location / or proxy_pass`);
    expect((await npmCall('GET', `/api/nginx/proxy-hosts/${pinned.json.id}`)).text).toBe(pinned.text);
  });

  it('answers like NPM: strict bodies, unique domains, the error envelope', async () => {
    expect(await npmCall('POST', '/api/nginx/proxy-hosts', { domain_names: ['x.test'], forward_scheme: 'http', forward_host: 'a', forward_port: 1, colour: 'red' })).toMatchObject({
      status: 400,
      json: { error: { code: 400, message: 'data must NOT have additional properties' } },
    });
    expect(await npmCall('POST', '/api/nginx/proxy-hosts', { domain_names: [berth.hostname('staging')], forward_scheme: 'http', forward_host: 'a', forward_port: 1 })).toMatchObject({
      status: 400,
      json: { error: { code: 400, message: `${berth.hostname('staging')} is already in use` } },
    });
    expect(fs.existsSync(path.join(nginxDir, 'proxy_host'))).toBe(true);
  });
}

proxyScenarios('npm', startNpm, { environments: { pinned: {} }, more: npmOnly });
