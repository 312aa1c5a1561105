import type { HostInfo } from '../model/host-info';
import type { HostDeps } from './host-deps';

export function createHostInfoActivities(deps: HostDeps) {
  return {
    /** What `GET /v1/hosts` shows of this host: its dockerd, as this host's worker sees it. */
    async describeHost(): Promise<HostInfo> {
      return { host: deps.host, docker: await deps.daemon.describe() };
    },
  };
}
