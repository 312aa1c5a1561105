import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Harness } from '../support/berth-harness';
import { buildDemoRootfs } from '../../src/embedded/demo-rootfs';
import { drain } from '../../src/embedded/image-import';
import { fixtureRepository } from '../support/fixture-images';

const run = promisify(execFile);

/** Readiness gates the switch while liveness drives the monitor; a pull reports its progress. */
describe('readiness, liveness and pull progress', () => {
  const berth = new Harness({
    name: 'readiness',
    environments: {
      // /missing answers 404 in the fixture; /version answers 200.
      gated: { health: { readyPath: '/missing', retries: 3 } },
      live: { health: { path: '/missing', readyPath: '/version' } },
      pull: {},
      present: {},
    },
  });

  beforeAll(() => berth.start());
  afterAll(() => berth.stop());

  it('does not switch to a release that is alive but never ready', async () => {
    const record = await berth.deployAndWait('v1', 'gated');

    expect(record).toMatchObject({ status: 'failed', failedStep: 'health' });
    expect(record.reason).toMatch(/^GET \/missing failed 3 times/);
    expect(await berth.proxy().currentUpstreams(berth.route('gated'))).toBeUndefined();
  });

  it('switches once ready, then the liveness path decides in the monitor window', async () => {
    const record = await berth.deployAndWait('v1', 'live');

    expect(record.steps.map((s) => [s.name, s.status]).slice(0, 4)).toEqual([
      ['pull', 'succeeded'],
      ['start', 'succeeded'],
      ['health', 'succeeded'],
      ['switch', 'succeeded'],
    ]);
    expect(record).toMatchObject({ status: 'rolled_back', failedStep: 'monitor' });
    // /version answered 200 for readiness; the monitor probed /missing and got 404.
    expect(record.reason).toMatch(/^verify through the proxy failed 3 times within the monitor window; last: HTTP 404/);
  });

  it("puts a few lines of pull progress in the deploy's events", async () => {
    // A layer no host has yet: the fixture rootfs plus 3 MB of random bytes.
    const tag = 'pull-progress';
    const image = berth.image(tag);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pull-'));
    try {
      const tar = path.join(dir, 'rootfs.tar');
      await buildDemoRootfs(tar);
      fs.writeFileSync(path.join(dir, 'noise'), randomBytes(3_000_000));
      await run('tar', ['-rf', tar, '-C', dir, 'noise']);
      const changes = ['CMD ["/app/start"]', 'ENV PATH=/bin', 'ENV VERSION=pull', 'ENV FIXTURE_MODE=healthy'];
      await drain(berth.docker, await berth.docker.importImage(tar, { repo: `${berth.world.registryAddress}/${fixtureRepository}`, tag, changes }), `import ${image}`);
      await drain(berth.docker, await berth.docker.getImage(`${berth.world.registryAddress}/${fixtureRepository}`).push({ tag }), `push ${image}`);
      await berth.docker.getImage(image).remove();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const record = await berth.deployAndWait(tag, 'pull');
    const lines = record.events.filter((line) => line.type === 'log' && line.step === 'pull').map((line) => line.message);
    console.log(`pull progress lines: ${JSON.stringify(lines)}`);

    expect(record.status).toBe('succeeded');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines.at(-1)).toMatch(/^pulled (\d+(\.\d)?) MB of \1 MB \(1 layer\)$/);
    const pullDone = record.events.findIndex((line) => line.type === 'step' && line.step === 'pull' && line.status === 'succeeded');
    expect(record.events.findIndex((line) => line.message === lines.at(-1))).toBeLessThan(pullDone);
    expect(await berth.proxyGet('pull')).toEqual({ status: 200, body: 'pull' });
  });

  it('pins an image the host has by digest without pulling it, and serves it', async () => {
    // The first deploy makes sure v2 is on the host; the second finds it there by the registry's digest.
    const first = await berth.deployAndWait('v2', 'present');
    const record = await berth.deployAndWait('v2', 'present');
    const lines = record.events.filter((line) => line.type === 'log' && line.step === 'pull').map((line) => line.message);

    expect(record.status).toBe('succeeded');
    expect(record.digest).toBe(first.digest);
    expect(lines).toEqual([`${record.digest!.slice(0, 19)} already on the host; not pulled`]);
    const repoDigests = (await berth.docker.getImage(berth.image('v2')).inspect()).RepoDigests;
    expect(repoDigests).toContain(`${berth.world.registryAddress}/${fixtureRepository}@${record.digest}`);
    expect(await berth.proxyGet('present')).toEqual({ status: 200, body: 'v2' });
  });
});
