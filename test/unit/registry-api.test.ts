import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import pino from 'pino';
import { createRegistryActivities } from '../../src/activities/registry-activities';
import { parseConfig } from '../../src/config/load-config';
import { manifestAccept, nextPageUrl, parseChallenge, RegistryApi, registryBaseUrl } from '../../src/docker/registry-api';

const manifests: Record<string, string> = {
  main: '{"schemaVersion":2,"name":"main"}',
  'v1.9.3': '{"schemaVersion":2,"name":"v1.9.3"}',
  'v1.10.0': '{"schemaVersion":2,"name":"v1.10.0"}',
  'v1.10.0-rc.1': '{"schemaVersion":2,"name":"rc"}',
  'feature-x': '{"schemaVersion":2,"name":"feature"}',
};
const digestOf = (tag: string) => `sha256:${createHash('sha256').update(manifests[tag]).digest('hex')}`;

/**
 * A registry on loopback as GHCR or Docker Hub behave: a Bearer challenge,
 * a token realm that wants Basic credentials, tag pages of two with Link,
 * and (like some registries) no digest header on `main`'s HEAD.
 */
async function startTokenRegistry(): Promise<{ address: string; seen: string[]; stop(): Promise<void> }> {
  const seen: string[] = [];
  let address = '';
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url!, `http://${address}`);
    seen.push(`${req.method} ${url.pathname}${url.search}`);
    if (url.pathname === '/token') {
      const ok = req.headers.authorization === `Basic ${Buffer.from('bot:s3cret').toString('base64')}` && url.searchParams.get('scope') === 'repository:team/web:pull';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(JSON.stringify(ok ? { token: 'tok-1' } : {}));
      return;
    }
    if (req.headers.authorization !== 'Bearer tok-1') {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${address}/token",service="test-registry",scope="repository:team/web:pull"` }).end();
      return;
    }
    const tags = Object.keys(manifests).sort();
    if (url.pathname === '/v2/team/web/tags/list') {
      const after = url.searchParams.get('last');
      const start = after ? tags.indexOf(after) + 1 : 0;
      const page = tags.slice(start, start + 2);
      const more = start + 2 < tags.length;
      res.writeHead(200, { 'content-type': 'application/json', ...(more && { link: `</v2/team/web/tags/list?last=${page.at(-1)}&n=2>; rel="next"` }) });
      res.end(JSON.stringify({ name: 'team/web', tags: page }));
      return;
    }
    const tag = decodeURIComponent(url.pathname.replace('/v2/team/web/manifests/', ''));
    if (!manifests[tag] || req.headers.accept !== manifestAccept) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/vnd.docker.distribution.manifest.v2+json', ...(tag !== 'main' && { 'docker-content-digest': digestOf(tag) }) });
    res.end(req.method === 'HEAD' ? undefined : manifests[tag]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  address = `127.0.0.1:${(server.address() as { port: number }).port}`;
  return { address, seen, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('registry API helpers', () => {
  it('talks HTTP to loopback registries only, and to Docker Hub by its registry host', () => {
    expect(['127.0.0.1:5000', 'localhost:5000', '[::1]:5000', 'ghcr.io', 'docker.io', '10.0.0.5:5000'].map(registryBaseUrl)).toEqual([
      'http://127.0.0.1:5000',
      'http://localhost:5000',
      'http://[::1]:5000',
      'https://ghcr.io',
      'https://registry-1.docker.io',
      'https://10.0.0.5:5000',
    ]);
  });

  it('reads the next page from Link, and the parameters of a challenge', () => {
    expect(nextPageUrl('</v2/web/tags/list?last=b&n=2>; rel="next"', 'http://127.0.0.1:5000')).toBe('http://127.0.0.1:5000/v2/web/tags/list?last=b&n=2');
    expect(nextPageUrl(null, 'http://127.0.0.1:5000')).toBeUndefined();
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/a:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/a:pull' },
    });
    expect(parseChallenge('Basic realm="registry"')).toEqual({ scheme: 'basic', params: { realm: 'registry' } });
    expect(parseChallenge(null)).toBeUndefined();
  });
});

describe('the registry poll against a registry that wants a token', () => {
  let registry: Awaited<ReturnType<typeof startTokenRegistry>>;
  beforeAll(async () => {
    registry = await startTokenRegistry();
  });
  afterAll(() => registry.stop());

  it('reads digests (hashing the manifest where the HEAD names none) and every page of tags', async () => {
    const api = new RegistryApi(registry.address, { username: 'bot', password: 's3cret' });
    expect(await api.digestOf('team/web', 'v1.9.3')).toBe(digestOf('v1.9.3'));
    expect(await api.digestOf('team/web', 'main')).toBe(digestOf('main'));
    expect(await api.digestOf('team/web', 'never-pushed')).toBeUndefined();
    expect((await api.tags('team/web')).sort()).toEqual(Object.keys(manifests).sort());
    await expect(new RegistryApi(registry.address, { username: 'bot', password: 'wrong' }).tags('team/web')).rejects.toThrow(/refused credentials/);
  });

  function activities(environment: object) {
    const config = parseConfig({
      api: { tokens: [{ name: 'ci', secret: 'env:BERTH_TOKEN_CI', scopes: ['deploy'] }] },
      hosts: { local: {} },
      registries: { [registry.address]: { username: 'bot', password: 'env:TEST_REGISTRY_PASSWORD' } },
      projects: { web: { image: `${registry.address}/team/web`, environments: { staging: { host: 'local', hostname: 's.localhost', ...environment } } } },
    });
    return createRegistryActivities({ config, env: { TEST_REGISTRY_PASSWORD: 's3cret' }, log: pino({ level: 'silent' }) });
  }
  const request = { project: 'web', environment: 'staging', deploymentId: 'web-staging-p1' };

  it('offers the literal tag and the highest semver of a pattern (v1.10.0 over v1.9.3), each pinned by digest, requested by the poller', async () => {
    const { checkRegistry } = activities({ autoDeploy: { tags: ['main', '/^v\\d+\\.\\d+\\.\\d+$/'], poll: '30s' } });
    const answer = await checkRegistry(request);
    expect(answer.candidates.map(({ tag, digest, spec }) => ({ tag, digest, image: spec.image, trigger: spec.trigger, requestedBy: spec.requestedBy, id: spec.deploymentId }))).toEqual([
      { tag: 'main', digest: digestOf('main'), image: `${registry.address}/team/web@${digestOf('main')}`, trigger: { tag: 'main', digest: digestOf('main') }, requestedBy: 'poller', id: 'web-staging-p1' },
      { tag: 'v1.10.0', digest: digestOf('v1.10.0'), image: `${registry.address}/team/web@${digestOf('v1.10.0')}`, trigger: { tag: 'v1.10.0', digest: digestOf('v1.10.0') }, requestedBy: 'poller', id: 'web-staging-p1' },
    ]);
    // A pattern never offers a tag older than the one serving; a tag no rule matches is never looked at.
    expect((await checkRegistry({ ...request, servingTag: 'v2.0.0' })).candidates.map((c) => c.tag)).toEqual(['main']);
    expect(registry.seen.filter((line) => line.includes('feature-x'))).toEqual([]);
  });

  it('looks nothing up where poll is off, or while a refusing window is shut', async () => {
    expect(await activities({ autoDeploy: { tags: ['main'] } }).checkRegistry(request)).toEqual({ candidates: [], reason: "web/staging does not poll in this worker's config" });
    // The day after tomorrow, all day: shut now, whenever the test runs.
    const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][(new Date().getUTCDay() + 2) % 7];
    const shut = activities({ autoDeploy: { tags: ['main'], poll: '30s' }, window: `${day} 00:00-24:00 UTC`, outsideWindow: 'refuse' });
    expect(await shut.checkRegistry(request)).toEqual({ candidates: [], reason: `outside the deploy window "${day} 00:00-24:00 UTC"` });
  });
});
