import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Dockerode from 'dockerode';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { startCaddy, type Caddy } from '../../src/embedded/caddy';
import { ensureDockerd, type Dockerd } from '../../src/embedded/dockerd';
import { createLogger } from '../../src/logger';
import { freeLoopbackPort } from './free-port';

/**
 * Another Docker host on this machine: its own dockerd (socket, data-root,
 * exec-root, pidfile; no bridge, no iptables) and its own Caddy. Started in a
 * test file's beforeAll, under the world lock, and stopped by PID.
 */
export class SecondHost {
  // Unix socket paths are short-lived and must stay short; images and layers are cached across runs.
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-h2-'));
  readonly dataRoot = path.join(berthCacheDir(), 'hosts-dockerd', 'data');
  readonly socket = path.join(this.dir, 'docker.sock');
  docker!: Dockerode;
  caddyAdmin!: string;
  caddyListen!: string;
  private dockerd?: Dockerd;
  private caddy?: Caddy;

  async start(): Promise<this> {
    const logger = createLogger({ name: 'second-host' });
    fs.mkdirSync(this.dataRoot, { recursive: true });
    this.dockerd = await ensureDockerd({
      socket: this.socket,
      dataRoot: this.dataRoot,
      execRoot: path.join(this.dir, 'exec'),
      pidFile: path.join(this.dir, 'dockerd.pid'),
      logFile: path.join(this.dir, 'dockerd.log'),
      logger,
    });
    this.docker = new Dockerode({ socketPath: this.socket });
    this.caddyAdmin = `127.0.0.1:${await freeLoopbackPort()}`;
    this.caddyListen = `127.0.0.1:${await freeLoopbackPort()}`;
    this.caddy = await startCaddy({ adminAddress: this.caddyAdmin, logFile: path.join(this.dir, 'caddy.log'), stateDir: path.join(this.dir, 'caddy'), logger });
    return this;
  }

  /** Containers of these projects on this daemon, running or not. */
  async containers(projects: string[]): Promise<Array<{ id: string; project: string; environment: string; state: string }>> {
    const all = await this.docker.listContainers({ all: true, filters: { label: ['berth.project'] } });
    return all
      .filter((c) => projects.includes(c.Labels['berth.project']))
      .map((c) => ({ id: c.Id, project: c.Labels['berth.project'], environment: c.Labels['berth.environment'], state: c.State }));
  }

  /** Its data-root is cached across runs: a run that died may have left containers behind. */
  async removeContainers(projects: string[]): Promise<void> {
    for (const c of await this.containers(projects)) await this.docker.getContainer(c.id).remove({ force: true });
  }

  async stop(projects: string[]): Promise<void> {
    await this.removeContainers(projects).catch(() => undefined);
    await this.caddy?.stop();
    await this.dockerd?.stop();
    // dockerd leaves its default network namespace bind-mounted under exec-root.
    const netns = path.join(this.dir, 'exec', 'netns', 'default');
    if (fs.existsSync(netns)) execFileSync('umount', ['-l', netns]);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
