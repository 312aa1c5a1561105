import { Connection } from '@temporalio/client';
import Dockerode from 'dockerode';
import { fixtureImage, fixtureRepository, fixtureTags } from '../support/fixture-images';
import { berthSearchAttributes, readWorld } from '../support/world';
import { freeLoopbackPort } from '../support/free-port';

const world = readWorld();
const docker = new Dockerode({ socketPath: world.dockerSocket });
const created: Dockerode.Container[] = [];


async function pull(image: string): Promise<void> {
  const stream = await docker.pull(image);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (error: Error | null) => (error ? reject(error) : resolve())));
}

/** Runs a fixture tag the way Berth does: host networking, PORT on loopback. */
async function runFixture(tag: (typeof fixtureTags)[number], port: number): Promise<Dockerode.Container> {
  const image = fixtureImage(world.registryAddress, tag);
  await pull(image);
  const container = await docker.createContainer({
    Image: image,
    Env: [`PORT=${port}`],
    Labels: { 'berth.test': 'world' },
    HostConfig: { NetworkMode: 'host' },
  });
  created.push(container);
  await container.start();
  return container;
}

async function getText(url: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      return { status: response.status, body: (await response.text()).trim() };
    } catch (error) {
      if (Date.now() >= deadline) throw new Error(`no answer from ${url} within ${timeoutMs} ms: ${String(error)}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

afterAll(async () => {
  await Promise.all(created.map((container) => container.remove({ force: true })));
});

describe('the test world', () => {
  it('has every fixture tag in the registry', async () => {
    const response = await fetch(`http://${world.registryAddress}/v2/${fixtureRepository}/tags/list`);
    const { tags } = (await response.json()) as { tags: string[] };
    // Other tests may push their own tags (a fresh layer for pull progress); every fixture tag must be there.
    expect(tags).toEqual(expect.arrayContaining([...fixtureTags]));
  });

  it('serves v1 from a host-network container on the port it is given, and stops at once', async () => {
    const port = await freeLoopbackPort();
    const container = await runFixture('v1', port);
    expect(await getText(`http://127.0.0.1:${port}/version`, 10_000)).toEqual({ status: 200, body: 'v1' });
    expect(await getText(`http://127.0.0.1:${port}/health`, 1000)).toEqual({ status: 200, body: 'ok' });

    const stopStartedAt = Date.now();
    await container.stop({ t: 10 });
    expect(Date.now() - stopStartedAt).toBeLessThan(3000);
    expect((await container.inspect()).State.ExitCode).toBe(0);
  });

  it('answers 404 on /health from the unhealthy image', async () => {
    const port = await freeLoopbackPort();
    await runFixture('unhealthy', port);
    expect(await getText(`http://127.0.0.1:${port}/version`, 10_000)).toEqual({ status: 200, body: 'unhealthy' });
    expect((await getText(`http://127.0.0.1:${port}/health`, 1000)).status).toBe(404);
  });

  it('has the crash image exit 3 with its reason in the logs', async () => {
    const container = await runFixture('crash', await freeLoopbackPort());
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = (await container.logs({ stdout: true, stderr: true, follow: false })).toString('utf8');
    expect(StatusCode).toBe(3);
    expect(logs).toContain('fatal: cannot open config /etc/app.conf');
  });

  it('has Caddy admin and Temporal with Berth search attributes answering on loopback', async () => {
    expect((await fetch(`http://${world.caddyAdminAddress}/config/`)).status).toBe(200);
    const connection = await Connection.connect({ address: world.temporalAddress });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: world.namespace });
      expect(Object.keys(customAttributes ?? {})).toEqual(expect.arrayContaining(Object.keys(berthSearchAttributes)));
    } finally {
      await connection.close();
    }
  });
});
