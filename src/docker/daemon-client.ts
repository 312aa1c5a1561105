import type Dockerode from 'dockerode';
import type { Logger } from '../logger';
import type { HostInfo } from '../model/host-info';
import { berthDiskUsage, type DiskUsage } from './disk-usage';
import { labels } from './labels';

/** The Docker daemon of one host, as a whole. */
export class DaemonClient {
  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
  ) {}

  /** What `GET /v1/hosts` shows of a host's dockerd. */
  async describe(): Promise<HostInfo['docker']> {
    this.log.debug('reading docker version');
    const version = await this.docker.version();
    this.log.debug({ version: version.Version }, 'read docker version');
    return { version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch };
  }

  /** The space Berth's containers and the images on the host take. */
  async diskUsage(): Promise<DiskUsage> {
    const [containers, images] = await Promise.all([
      this.docker.listContainers({ all: true, size: true, filters: { label: [`${labels.managed}=true`] } }),
      this.docker.listImages(),
    ]);
    return berthDiskUsage(containers, images);
  }
}
