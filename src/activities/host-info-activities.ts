import { berthDiskUsage } from '../docker/disk-usage';
import { labels } from '../docker/labels';
import type { HostInfo } from '../model/host-info';
import type { HostDeps } from './host-deps';

export function createHostInfoActivities(deps: HostDeps) {
  return {
    /** What `GET /v1/hosts` shows of this host: its dockerd, as this host's worker sees it. */
    async describeHost(): Promise<HostInfo> {
      const version = await deps.docker.version();
      const [containers, images] = await Promise.all([
        deps.docker.listContainers({ all: true, size: true, filters: { label: [`${labels.managed}=true`] } }),
        deps.docker.listImages(),
      ]);
      const disk = berthDiskUsage(containers, images);
      return { host: deps.host, docker: { version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch }, disk };
    },
  };
}
