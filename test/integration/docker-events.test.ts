import fs from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import pino from 'pino';
import type { ContainerEvent } from '../../src/docker/container-events';
import { DockerEventStream } from '../../src/docker/event-stream';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { isAlive, stopPid } from '../../src/embedded/child-process';
import { ensureDockerd, type Dockerd, type DockerdOptions } from '../../src/embedded/dockerd';
import { drain } from '../../src/embedded/image-import';
import { readWorld, worldLogDir } from '../support/world';

/**
 * Restarting the shared test world's dockerd would disturb every other test,
 * so this file runs a dockerd of its own (own socket, data root, exec root and
 * pidfile; the data root is cached so its image survives between runs) and
 * restarts that one under the event stream.
 */
const runDir = '/run/berth-events-dockerd';
const daemonOptions = (logger: pino.Logger): DockerdOptions => ({
  socket: path.join(runDir, 'docker.sock'),
  dataRoot: path.join(berthCacheDir(), 'events-dockerd'),
  execRoot: path.join(runDir, 'exec'),
  pidFile: path.join(runDir, 'docker.pid'),
  logFile: path.join(worldLogDir, 'events-dockerd.log'),
  logger,
});

describe("Docker's event stream", () => {
  const logger = pino({ level: 'info' }, pino.destination({ dest: path.join(worldLogDir, 'docker-events-test.log'), mkdir: true, sync: true }));
  const image = `${readWorld().registryAddress}/fixture/web:v1`;
  const events: ContainerEvent[] = [];
  const connects: boolean[] = [];
  let daemon: Dockerd | undefined;
  let stream: DockerEventStream | undefined;
  const docker = new Dockerode({ socketPath: path.join(runDir, 'docker.sock') });

  /** The daemon must be ours to restart: one a crashed earlier run left behind is stopped first. */
  async function startDaemon(): Promise<Dockerd> {
    fs.mkdirSync(runDir, { recursive: true });
    const pidFile = path.join(runDir, 'docker.pid');
    const leftover = fs.existsSync(pidFile) ? Number(fs.readFileSync(pidFile, 'utf8').trim()) : NaN;
    if (Number.isInteger(leftover) && isAlive(leftover)) await stopPid(leftover, { name: 'leftover events dockerd', graceMs: 30_000, logger });
    const started = await ensureDockerd(daemonOptions(logger));
    if (started.pid === null) throw new Error('a dockerd already answers on the events test socket and is not ours to restart');
    return started;
  }

  /** A container with Berth's labels, created and removed: Docker reports its `destroy`. */
  async function createAndRemove(release: string): Promise<void> {
    const container = await docker.createContainer({
      Image: image,
      name: `berth-events-${release}`,
      Labels: { 'berth.managed': 'true', 'berth.project': 'events', 'berth.environment': 'test', 'berth.release': release },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.remove({ force: true });
  }

  beforeAll(async () => {
    daemon = await startDaemon();
    await drain(docker, await docker.pull(image), `pull ${image}`);
    stream = new DockerEventStream(docker, logger, { onEvent: (event) => events.push(event), onConnect: (again) => connects.push(again), backoffMs: { first: 100, max: 1000 } }).start();
    await waitFor(() => connects.length === 1);
  });

  afterAll(async () => {
    await stream?.stop();
    await daemon?.stop();
  });

  it("reports the destroy of a Berth container, with the container's release", async () => {
    await createAndRemove('before-restart');
    await waitFor(() => events.some((event) => event.release === 'before-restart'));
    expect(events.find((event) => event.release === 'before-restart')).toMatchObject({ action: 'destroy', project: 'events', environment: 'test' });
  });

  it('is re-established after dockerd restarts, and says so, so owners can check what was missed', async () => {
    await daemon!.stop();
    const downAt = Date.now();
    daemon = await startDaemon();
    await waitFor(() => connects.length === 2);
    console.log(`event stream re-established ${Date.now() - downAt} ms after dockerd went down (restart included)`);
    expect(connects).toEqual([false, true]);

    await createAndRemove('after-restart');
    await waitFor(() => events.some((event) => event.release === 'after-restart'));
    expect(events.map((event) => [event.release, event.action])).toEqual([
      ['before-restart', 'destroy'],
      ['after-restart', 'destroy'],
    ]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
