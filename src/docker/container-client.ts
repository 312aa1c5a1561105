import type Dockerode from 'dockerode';
import { PermanentError, TimeoutError } from '../model/errors';
import type { Logger } from '../logger';
import type { ReleaseContainer } from '../model/types';
import { benign, containerFields, messageOf, shortId, statusOf } from './docker-api';
import { environmentFilters, labels } from './labels';
import { demultiplexLogs } from './log-stream';
import { releasesByEnvironment, toReleases } from './release-list';

export interface ExitInfo {
  exited: boolean;
  /** Absent while running, and when the container no longer exists. */
  exitCode?: number;
}

export interface ContainerClientOptions {
  /** Docker's stop waits the stop timeout, then kills; this covers the kill and the answer. */
  stopGraceMs?: number;
}

/** Containers of one Docker host. Every Docker call logs before and after, with the short container id. */
export class ContainerClient {
  private readonly stopGraceMs: number;

  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
    options: ContainerClientOptions = {},
  ) {
    this.stopGraceMs = options.stopGraceMs ?? 30_000;
  }

  /**
   * Creates and starts a container, idempotent by name: a retry after a crash
   * finds the container the first attempt made and starts it if it is not running.
   */
  async createAndStart(options: Dockerode.ContainerCreateOptions): Promise<{ id: string }> {
    const name = options.name;
    if (!name) throw new Error('createAndStart needs options.name: the name is what lets a retry find its container');
    const id = await this.createOrAdopt(name, options);
    // No inspect first: starting an adopted container that runs already answers 304, which start() takes as done.
    await this.start(id);
    return { id };
  }

  /** Starts a created or stopped container; one already running (304) is fine. */
  async start(idOrName: string): Promise<void> {
    this.log.debug(containerFields(idOrName), 'starting container');
    try {
      await this.docker.getContainer(idOrName).start();
      this.log.info(containerFields(idOrName), 'started container');
    } catch (error) {
      benign(error, [304]);
      this.log.debug(containerFields(idOrName), 'container was already started');
    }
  }

  /** Stops within `timeoutMs` (then Docker kills) and starts again. */
  async restart(idOrName: string, timeoutMs: number): Promise<void> {
    this.log.debug({ ...containerFields(idOrName), timeoutMs }, 'restarting container');
    await this.docker.getContainer(idOrName).restart({ t: Math.ceil(timeoutMs / 1000) });
    this.log.info(containerFields(idOrName), 'restarted container');
  }

  private async createOrAdopt(name: string, options: Dockerode.ContainerCreateOptions): Promise<string> {
    this.log.debug({ container: name, image: options.Image }, 'creating container');
    try {
      const container = await this.docker.createContainer(options);
      this.log.info({ containerId: shortId(container.id), container: name }, 'created container');
      return container.id;
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
    }
    const existing = await this.inspect(name);
    // Adopting a stranger's container would later stop or remove it as if it were a release.
    if (existing.Config.Labels?.[labels.managed] !== 'true') {
      throw new PermanentError('CONTAINER_NAME_TAKEN', `a container named ${name} exists that Berth does not manage`);
    }
    this.log.info({ containerId: shortId(existing.Id), container: name }, 'adopted existing container');
    return existing.Id;
  }

  async inspect(idOrName: string): Promise<Dockerode.ContainerInspectInfo> {
    this.log.debug(containerFields(idOrName), 'inspecting container');
    const info = await this.docker.getContainer(idOrName).inspect();
    this.log.debug({ containerId: shortId(info.Id), status: info.State.Status }, 'inspected container');
    return info;
  }

  /** False for a stopped container and for one that no longer exists. */
  async isRunning(idOrName: string): Promise<boolean> {
    const info = await this.inspect(idOrName).catch((error) => benign(error, [404]));
    return info?.State.Running ?? false;
  }

  /** Whether the container has stopped for good; a vanished container counts as exited, without a code. */
  async exitInfo(idOrName: string): Promise<ExitInfo> {
    const info = await this.inspect(idOrName).catch((error) => benign(error, [404]));
    if (!info) return { exited: true };
    const exited = info.State.Status === 'exited' || info.State.Status === 'dead';
    return exited ? { exited, exitCode: info.State.ExitCode } : { exited };
  }

  /** The last `lines` lines of stdout and stderr, interleaved; empty when the container is gone. */
  async logTail(idOrName: string, lines = 40): Promise<string> {
    this.log.debug({ ...containerFields(idOrName), lines }, 'reading container log');
    const body = await this.docker
      .getContainer(idOrName)
      .logs({ stdout: true, stderr: true, tail: lines, follow: false })
      .catch((error) => benign(error, [404]));
    this.log.debug({ ...containerFields(idOrName), bytes: body?.length ?? 0 }, body ? 'read container log' : 'no container to read');
    return body ? demultiplexLogs(body) : '';
  }

  /** Stops gracefully within `timeoutMs`, then Docker kills; a stopped (304) or missing (404) container is fine. */
  async stop(idOrName: string, timeoutMs: number): Promise<void> {
    const limitMs = timeoutMs + this.stopGraceMs;
    this.log.debug({ ...containerFields(idOrName), timeoutMs }, 'stopping container');
    try {
      await this.docker.getContainer(idOrName).stop({ t: Math.ceil(timeoutMs / 1000), abortSignal: AbortSignal.timeout(limitMs) });
      this.log.info(containerFields(idOrName), 'stopped container');
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw new TimeoutError(`stopping container ${shortId(idOrName)}`, limitMs);
      benign(error, [304, 404]);
      const status = statusOf(error);
      this.log.debug({ ...containerFields(idOrName), status }, status === 304 ? 'container was already stopped' : 'no container to stop');
    }
  }

  /** Force-removes, anonymous volumes too; a missing container, or one already being removed, is fine. */
  async remove(idOrName: string): Promise<void> {
    this.log.debug(containerFields(idOrName), 'removing container');
    try {
      await this.docker.getContainer(idOrName).remove({ force: true, v: true });
      this.log.info(containerFields(idOrName), 'removed container');
    } catch (error) {
      if (!(statusOf(error) === 409 && /already in progress/i.test(messageOf(error)))) benign(error, [404]);
      this.log.debug({ ...containerFields(idOrName), status: statusOf(error) }, 'container already gone or being removed');
    }
  }

  /** Called on promotion so a serving release comes back after a daemon or host restart. */
  async setRestartPolicy(idOrName: string, policy: 'unless-stopped' | 'no'): Promise<void> {
    this.log.debug({ ...containerFields(idOrName), policy }, 'updating restart policy');
    await this.docker.getContainer(idOrName).update({ RestartPolicy: { Name: policy } });
    this.log.info({ ...containerFields(idOrName), policy }, 'updated restart policy');
  }

  /**
   * Running and stopped releases of one environment (or of one of its preview
   * instances), newest first; an environment's list never holds an instance's.
   */
  async listReleases(project: string, environment: string, instance?: string): Promise<ReleaseContainer[]> {
    this.log.debug({ project, environment, instance }, 'listing releases');
    const all = await this.docker.listContainers({ all: true, filters: environmentFilters(project, environment, instance) });
    const rows = instance ? all : all.filter((row) => row.Labels[labels.instance] === undefined);
    this.log.debug({ project, environment, count: rows.length }, 'listed releases');
    return toReleases(rows);
  }

  /** Host ports of every Berth container on the host, stopped ones too: a retained release gets its port back on rollback. */
  async managedPorts(): Promise<number[]> {
    const rows = await this.docker.listContainers({ all: true, filters: { label: [`${labels.managed}=true`] } });
    return rows.map((row) => Number(row.Labels[labels.port])).filter((port) => Number.isInteger(port));
  }

  /** Image ids that some container on the host uses, Berth's or not, running or not. */
  async imagesInUse(): Promise<Set<string>> {
    const rows = await this.docker.listContainers({ all: true });
    return new Set(rows.map((row) => row.ImageID));
  }

  /** Ids of an environment's one-off containers (migrations) that are not running. */
  async stoppedOneOffs(project: string, environment: string): Promise<string[]> {
    const filters = { label: [labels.oneOff, `${labels.project}=${project}`, `${labels.environment}=${environment}`], status: ['exited', 'created', 'dead'] };
    const rows = await this.docker.listContainers({ all: true, filters });
    return rows.map((row) => row.Id);
  }

  /** Every Berth release on the host in one listing, keyed `project/environment`: the host sweep's view. */
  async allReleases(): Promise<Map<string, ReleaseContainer[]>> {
    const rows = await this.docker.listContainers({ all: true, filters: { label: [`${labels.managed}=true`] } });
    return releasesByEnvironment(rows);
  }
}
