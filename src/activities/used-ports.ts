import { labels } from '../docker/labels';
import type { HostDeps } from './host-deps';

/** Ports of every Berth container on the host, stopped ones too: a retained release gets its port back on rollback. */
export async function usedPorts(deps: HostDeps): Promise<number[]> {
  const containers = await deps.docker.listContainers({ all: true, filters: { label: [`${labels.managed}=true`] } });
  return containers.map((c) => Number(c.Labels[labels.port])).filter((port) => Number.isInteger(port));
}
