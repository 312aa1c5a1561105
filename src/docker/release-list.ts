import type Dockerode from 'dockerode';
import type { ReleaseContainer } from '../model/types';
import { labels } from './labels';

/**
 * Pure: the releases of one environment from `listContainers` rows, newest
 * first. Docker reports creation in whole seconds, so releases made in the
 * same second fall back to their release id for a stable order.
 */
export function toReleases(rows: Dockerode.ContainerInfo[]): ReleaseContainer[] {
  return [...rows]
    .sort((a, b) => b.Created - a.Created || compare(b.Labels[labels.release], a.Labels[labels.release]))
    .map((row) => {
      const port = Number(row.Labels[labels.port]);
      const replica = Number(row.Labels[labels.replica]);
      return {
        id: row.Id,
        name: (row.Names[0] ?? '').replace(/^\//, ''),
        release: row.Labels[labels.release] ?? '',
        image: row.Labels[labels.image] ?? row.Image,
        digest: row.Labels[labels.digest] ?? '',
        ...(row.ImageID && { imageId: row.ImageID }),
        ...(Number.isInteger(port) && port > 0 && { port }),
        running: row.State === 'running',
        createdAt: new Date(row.Created * 1000).toISOString(),
        ...(row.Labels[labels.process] !== undefined && { process: row.Labels[labels.process] }),
        ...(Number.isInteger(replica) && row.Labels[labels.replica] !== undefined && { replica }),
      };
    });
}

function compare(a: string | undefined, b: string | undefined): number {
  return (a ?? '').localeCompare(b ?? '');
}

/** Pure: the releases of every environment in `rows`, keyed `project/environment`, newest first. */
export function releasesByEnvironment(rows: Dockerode.ContainerInfo[]): Map<string, ReleaseContainer[]> {
  const grouped = new Map<string, Dockerode.ContainerInfo[]>();
  for (const row of rows) {
    const key = `${row.Labels?.[labels.project]}/${row.Labels?.[labels.environment]}`;
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return new Map([...grouped].map(([key, group]) => [key, toReleases(group)]));
}
