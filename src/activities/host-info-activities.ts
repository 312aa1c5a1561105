import type { HostInfo } from '../model/host-info';
import type { HostDeps } from './host-deps';

export function createHostInfoActivities(deps: HostDeps) {
  return {
    /** What `GET /v1/hosts` shows of this host: its dockerd, as this host's worker sees it. */
    async describeHost(): Promise<HostInfo> {
      const version = await deps.docker.version();
      return { host: deps.host, docker: { version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch } };
    },
  };
}
