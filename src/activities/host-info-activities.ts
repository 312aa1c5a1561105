import type { HostInfo } from '../model/host-info';
import type { HostDeps } from './host-deps';

export function createHostInfoActivities(deps: HostDeps) {
  return {
    /** What `GET /v1/hosts` shows of this host: its dockerd, as this host's worker sees it. */
    async describeHost(): Promise<HostInfo> {
      const [docker, disk] = await Promise.all([deps.daemon.describe(), deps.daemon.diskUsage()]);
      return { host: deps.host, docker, disk };
    },
  };
}
