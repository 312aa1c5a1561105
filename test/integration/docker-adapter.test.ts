import net from 'node:net';
import Dockerode from 'dockerode';
import { ContainerClient } from '../../src/docker/container-client';
import { buildContainerOptions } from '../../src/docker/container-spec';
import { DaemonClient } from '../../src/docker/daemon-client';
import { ImageClient } from '../../src/docker/image-client';
import { environmentFilters } from '../../src/docker/labels';
import { PortAllocator } from '../../src/docker/port-allocator';
import { ImageNotFoundError, PermanentError } from '../../src/model/errors';
import { createLogger } from '../../src/logger';
import type { DeploySpec, PulledImage } from '../../src/model/types';
import { fixtureImage } from '../support/fixture-images';
import { readWorld } from '../support/world';

const world = readWorld();
const docker = new Dockerode({ socketPath: world.dockerSocket });
const log = createLogger({ name: 'docker-adapter-test', level: 'warn' });
const images = new ImageClient(docker, log);
const containers = new ContainerClient(docker, log);
const ports = new PortAllocator();
const project = 'adapter';
const environment = `it-${process.pid}`;

function specFor(deploymentId: string, image: string): DeploySpec {
  return {
    deploymentId, project, environment, image, requestedBy: 'test', approval: 'none', approvalTimeoutMs: 60000, apiUrl: 'http://127.0.0.1:8080', host: 'local',
    hostname: 'adapter.localhost', network: 'host', portRange: { from: 23100, to: 23199 },
    health: { path: '/health', intervalMs: 100, timeoutMs: 1000, retries: 3, startPeriodMs: 0, monitorMs: 0, monitorFailures: 3 },
    keep: 2, drainMs: 0, stopTimeoutMs: 1000, env: {}, secretEnv: {},
  };
}

/** Builds create options the way the start activity does, on a fresh loopback port. */
async function optionsFor(deploymentId: string, image: string, pulled: PulledImage) {
  const spec = specFor(deploymentId, image);
  const port = await ports.allocate(spec.portRange, []);
  return { port, options: buildContainerOptions({ spec, pinnedRef: pulled.pinnedRef, digest: pulled.digest, port, env: { GREETING: 'hi' } }) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${limitMs}ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A loopback port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

afterAll(async () => {
  const leftovers = await docker.listContainers({ all: true, filters: environmentFilters(project, environment) });
  await Promise.all(leftovers.map((c) => containers.remove(c.Id)));
});

describe('docker adapter against the real daemon', () => {
  const v1 = fixtureImage(world.registryAddress, 'v1');

  it('pulls an image and pins it to its registry digest', async () => {
    const statuses: string[] = [];
    const pulled = await images.pull(v1, { onProgress: (progress) => statuses.push(progress.status) });
    expect(pulled.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(pulled.pinnedRef).toBe(`${world.registryAddress}/fixture/web@${pulled.digest}`);
    expect(statuses.length).toBeGreaterThan(0);
    expect(await images.pull(pulled.pinnedRef)).toEqual(pulled);
  });

  it('fails permanently for an unknown tag and transiently for an unreachable registry', async () => {
    await expect(images.pull(`${world.registryAddress}/fixture/web:no-such-tag`)).rejects.toBeInstanceOf(ImageNotFoundError);
    const unreachable = images.pull(`127.0.0.1:${await closedPort()}/fixture/web:v1`);
    await expect(unreachable).rejects.toThrow(/connection refused/);
    await expect(unreachable).rejects.not.toBeInstanceOf(PermanentError);
  });

  it('starts a candidate idempotently, lists it, promotes, stops and removes it', async () => {
    const pulled = await images.pull(v1);
    const { port, options } = await optionsFor('adapter-web-1', v1, pulled);
    const first = await containers.createAndStart(options);
    const second = await containers.createAndStart(options);
    expect(second.id).toBe(first.id);

    const health = await until('the candidate answering', () =>
      fetch(`http://127.0.0.1:${port}/health`).then((r) => (r.ok ? r.text() : undefined), () => undefined),
    );
    expect(health.trim()).toBe('ok');
    expect(await containers.listReleases(project, environment)).toEqual([
      expect.objectContaining({ id: first.id, name: 'berth-adapter-web-1', release: 'adapter-web-1', image: v1, digest: pulled.digest, port, running: true }),
    ]);

    await containers.setRestartPolicy(first.id, 'unless-stopped');
    expect((await containers.inspect(first.id)).HostConfig.RestartPolicy?.Name).toBe('unless-stopped');
    await containers.stop(first.id, 1000);
    expect((await containers.exitInfo(first.id)).exited).toBe(true);
    await containers.stop(first.id, 1000);
    await containers.remove(first.id);
    expect(await containers.listReleases(project, environment)).toEqual([]);
  });

  it('reports the exit code and stderr of a candidate that crashes at start', async () => {
    const crash = fixtureImage(world.registryAddress, 'crash');
    const { options } = await optionsFor('adapter-crash-1', crash, await images.pull(crash));
    const { id } = await containers.createAndStart(options);
    const exit = await until('the crash', async () => {
      const info = await containers.exitInfo(id);
      return info.exited ? info : undefined;
    });
    expect(exit).toEqual({ exited: true, exitCode: 3 });
    expect(await containers.logTail(id)).toContain('fatal: cannot open config /etc/app.conf');
    await containers.remove(id);
  });

  it('starts, restarts and lists the ports of releases, and reads and removes images, taking the benign statuses in stride', async () => {
    const pulled = await images.pull(v1);
    const { port, options } = await optionsFor('adapter-web-2', v1, pulled);
    const { id } = await containers.createAndStart(options);
    await containers.start(id);
    expect(await containers.managedPorts()).toContain(port);
    await containers.stop(id, 1000);
    await containers.start(id);
    expect(await containers.isRunning(id)).toBe(true);
    const startedAt = (await containers.inspect(id)).State.StartedAt;
    await containers.restart(id, 1000);
    expect((await containers.inspect(id)).State.StartedAt).not.toBe(startedAt);

    const imageId = await images.idOf(pulled.pinnedRef);
    expect(imageId).toBe((await containers.inspect(id)).Image);
    expect(await images.idOf(`${world.registryAddress}/fixture/web:never-pulled`)).toBeUndefined();
    await expect(images.remove(pulled.pinnedRef)).resolves.toBeUndefined();
    expect(await images.idOf(v1)).toBe(imageId);
    await expect(images.remove(`${world.registryAddress}/fixture/web:never-pulled`)).resolves.toBeUndefined();
    expect((await new DaemonClient(docker, log).describe()).apiVersion).toMatch(/^\d+\.\d+$/);
    await containers.remove(id);
  });

  it('treats stopping and removing a missing container as done', async () => {
    await expect(containers.stop('berth-adapter-never-existed', 1000)).resolves.toBeUndefined();
    await expect(containers.remove('berth-adapter-never-existed')).resolves.toBeUndefined();
    expect(await containers.exitInfo('berth-adapter-never-existed')).toEqual({ exited: true });
    expect(await containers.logTail('berth-adapter-never-existed')).toBe('');
  });
});
