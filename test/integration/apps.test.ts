import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Harness, tokens } from '../support/berth-harness';
import { eventually } from '../support/eventually';
import { buildVersion, pushAs } from '../support/hook-registry';
import { loadLoop } from '../support/proxy-client';

/** Replicas behind the proxy, a worker process, a shared volume, limits, logging; keep: 2 is the serving release and one retained. */
describe('apps: replicas, processes, volumes, limits, disk hygiene', () => {
  // A bind mount every release and process shares; world-writable, as the app runs as 1000:1000.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-apps-data-'));
  fs.chmodSync(dataDir, 0o777);
  const app = {
    replicas: 2,
    volumes: [`${dataDir}:/data`],
    resources: { memory: '64m', cpus: 0.5 },
    logging: { driver: 'json-file', maxSize: '1m', maxFiles: 2 },
    user: '1000:1000',
    labels: { team: 'web' },
    processes: { worker: { cmd: ['/app/start', 'worker'], grace: '1s', resources: { memory: '32m' } } },
  };
  const berth = new Harness({
    name: 'apps',
    // `slow` takes 3 s to become healthy: retries cover it.
    project: { keep: 2, health: { path: '/health', interval: '200ms', timeout: '1s', retries: 40, monitor: '1s' } },
    environments: { staging: app, broken: { ...app, volumes: [`${dataDir}:/data`], processes: { worker: { cmd: ['/app/start', 'worker'], grace: '5s' } } } },
  });
  let v1: string;
  let v2: string;
  // Its own repository, built from the fixture tags: the image-pruning test must not meet the shared
  // fixture images, which other files' retained containers keep in use on the same dockerd.
  const repository = `${berth.world.registryAddress}/fixture/apps-${Date.now().toString(36)}`;
  berth.options.project = { ...berth.options.project, image: repository };

  beforeAll(async () => {
    await berth.start();
    for (const tag of ['v1', 'v2', 'slow']) await pushAs(berth.docker, await buildVersion(berth.docker, berth.image(tag), repository, tag), repository, tag);
    const record = await berth.deployAndWait('v1');
    if (record.status !== 'succeeded') throw new Error(`v1 ended ${record.status}: ${record.reason}`);
    v1 = record.id;
  }, 120_000);
  afterAll(async () => {
    await berth.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const inspect = (name: string) => berth.docker.getContainer(name).inspect();
  const running = async (environment = 'staging') => (await berth.releases(environment)).filter((c) => c.running).map((c) => c.name).sort();

  it('runs two web replicas and a worker; the proxy reaches both replicas; the worker writes to the volume', async () => {
    expect(await running()).toEqual([`berth-${v1}`, `berth-${v1}-web-1`, `berth-${v1}-worker-0`]);
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) seen.add((await berth.proxyGet('staging', '/replica')).body);
    expect([...seen].sort()).toEqual(['web-0', 'web-1']);
    const lines = await eventually(() => fs.readFileSync(path.join(dataDir, 'worker.log'), 'utf8').split('\n').filter(Boolean), { what: 'worker lines' });
    expect(lines[0]).toBe('v1 worker-0');
  });

  it('starts every container with the configured memory, CPU, log options, user and labels', async () => {
    const web = await inspect(`berth-${v1}-web-1`);
    expect(web.HostConfig).toMatchObject({ Memory: 64 * 1024 ** 2, NanoCpus: 500_000_000, LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } }, Binds: [`${dataDir}:/data`] });
    expect(web.Config.User).toBe('1000:1000');
    expect(web.Config.Labels).toMatchObject({ team: 'web', 'berth.process': 'web', 'berth.replica': '1', 'berth.release': v1 });
    const worker = await inspect(`berth-${v1}-worker-0`);
    expect(worker.HostConfig).toMatchObject({ Memory: 32 * 1024 ** 2, NanoCpus: 500_000_000, LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '2' } } });
    expect(worker.Config.Cmd).toEqual(['/app/start', 'worker']);
    expect(worker.Config.Labels).toMatchObject({ team: 'web', 'berth.process': 'worker', 'berth.replica': '0' });
  });

  it('deploys v2 under load with zero failed requests; v1 worker stops only after v2 is verified; v2 reads what v1 wrote', async () => {
    const loop = loadLoop(berth.world.caddyListenAddress, berth.hostname('staging'), '/version', { maxRequests: 20_000, maxMs: 120_000 });
    const record = await berth.deployAndWait('v2');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const traffic = await loop.stop();
    v2 = record.id;

    expect(record.status).toBe('succeeded');
    console.log(`apps v1 -> v2 (2 replicas + worker) under load: ${traffic.sent} requests, ${traffic.failures.length} failed, answers ${JSON.stringify(traffic.bodies)}`);
    expect(traffic.failures).toEqual([]);
    expect(Object.keys(traffic.bodies).sort()).toEqual(['v1', 'v2']);
    expect(await running()).toEqual([`berth-${v2}`, `berth-${v2}-web-1`, `berth-${v2}-worker-0`]);
    const monitored = record.steps.find((step) => step.name === 'monitor')!;
    const v1Worker = await inspect(`berth-${v1}-worker-0`);
    expect(v1Worker.State.Running).toBe(false);
    expect(Date.parse(v1Worker.State.FinishedAt)).toBeGreaterThanOrEqual(Date.parse(monitored.finishedAt!));
    // The v2 web serves the volume: the lines v1's worker wrote are there, then v2's.
    const shared = (await berth.proxyGet('staging', '/data/worker.log')).body;
    expect(shared).toContain('v1 worker-0');
    await eventually(async () => (await berth.proxyGet('staging', '/data/worker.log')).body.includes('v2 worker-0'), { what: 'v2 worker lines' });
  });

  it('replaces a removed web replica, and only that one', async () => {
    const before = await Promise.all([`berth-${v2}`, `berth-${v2}-web-1`, `berth-${v2}-worker-0`].map(inspect));
    await berth.docker.getContainer(`berth-${v2}-web-1`).remove({ force: true });
    const replaced = await eventually(async () => {
      const info = await inspect(`berth-${v2}-web-1`);
      return info.State.Running && info.Id !== before[1].Id && info;
    }, { what: 'replica web-1 recreated', timeoutMs: 60_000 });
    expect(replaced.Config.Labels['berth.port']).toBe(before[1].Config.Labels['berth.port']);
    for (const sibling of [before[0], before[2]]) {
      const now = await inspect(sibling.Id);
      expect([now.State.Running, now.State.StartedAt]).toEqual([true, sibling.State.StartedAt]);
    }
    const seen = new Set<string>();
    for (let i = 0; i < 60 && seen.size < 2; i++) seen.add((await berth.proxyGet('staging', '/replica')).body);
    expect([...seen].sort()).toEqual(['web-0', 'web-1']);
  });

  it('fails a release whose worker exits within its grace, with its log tail, and keeps the old release whole', async () => {
    const good = await berth.deployAndWait('v2', 'broken');
    expect(good.status).toBe('succeeded');
    // The next deploy's worker dies 2 s after it starts: the spec is frozen from the config at request time.
    const broken = berth.config.projects[berth.project].environments.broken;
    broken.processes = { worker: { ...broken.processes!.worker, cmd: ['/app/start', 'exit-after-2s'] } };
    const record = await berth.deployAndWait('v1', 'broken');

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(record.reason).toMatch(/process worker .* exited with code 4 within its grace of 5000 ms/);
    expect(record.logTail).toContain('fatal: worker lost its queue');
    expect((await berth.releases('broken')).map((c) => [c.name, c.running]).sort()).toEqual([
      [`berth-${good.id}`, true],
      [`berth-${good.id}-web-1`, true],
      [`berth-${good.id}-worker-0`, true],
    ]);
    expect(await berth.proxyGet('broken')).toEqual({ status: 200, body: 'v2' });
  });

  it('with keep: 2, after three deploys only the images of the serving and the retained release remain', async () => {
    const digests = Object.fromEntries(await Promise.all([v1, v2].map(async (id) => [id, (await berth.request('GET', `/v1/deployments/${id}`)).body.digest])));
    const record = await berth.deployAndWait('slow');

    expect(record.status).toBe('succeeded');
    expect((await berth.releases()).map((c) => [c.release, c.running])).toEqual(
      expect.arrayContaining([
        [record.id, true],
        [v2, false],
      ]),
    );
    expect(new Set((await berth.releases()).map((c) => c.release))).toEqual(new Set([record.id, v2]));
    const present = async (digest: string) => berth.docker.getImage(`${repository}@${digest}`).inspect().then(() => true, () => false);
    expect(await present(digests[v1])).toBe(false);
    expect(await present(digests[v2])).toBe(true);
    expect(await present(record.digest!)).toBe(true);

    // The host listing shows what Berth's images and containers take.
    const host = (await berth.request('GET', '/v1/hosts', undefined, tokens.reader)).body.hosts.find((entry: { name: string }) => entry.name === berth.project);
    expect(host.disk).toEqual({ images: { count: expect.any(Number), bytes: expect.any(Number) }, containers: { count: expect.any(Number), bytes: expect.any(Number) } });
    expect(host.disk.images.bytes).toBeGreaterThan(0);
    expect(host.disk.containers.count).toBeGreaterThanOrEqual(9);
  });

  it('rolls back to the retained release with every process it had', async () => {
    const serving = (await berth.releases()).find((c) => c.running)!.release;
    const response = await berth.request('POST', `/v1/projects/${berth.project}/environments/staging/rollback`, {});
    const record = await berth.waitForEnd(response.body.id);

    expect(record).toMatchObject({ kind: 'rollback', status: 'succeeded', release: v2 });
    expect(await running()).toEqual([`berth-${v2}`, `berth-${v2}-web-1`, `berth-${v2}-worker-0`]);
    expect((await berth.releases()).filter((c) => c.release === serving).map((c) => c.running)).toEqual([false, false, false]);
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v2' });
    await eventually(async () => (await berth.proxyGet('staging', '/data/worker.log')).body.split('\n').slice(-3).includes('v2 worker-0'), { what: 'the v2 worker writing again' });
  });
});
