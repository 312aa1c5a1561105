import type Dockerode from 'dockerode';
import { labels } from './labels';

/** What Berth's images and containers take on one host, in bytes. */
export interface DiskUsage {
  images: { count: number; bytes: number };
  containers: { count: number; bytes: number };
}

/**
 * Pure: Berth's share of a host's disk. Berth's images are those its
 * containers, running or kept for rollback, were created from; a container's
 * bytes are its writable layer (its logs are capped by the log rotation).
 */
export function berthDiskUsage(containers: Array<Dockerode.ContainerInfo & { SizeRw?: number }>, images: Dockerode.ImageInfo[]): DiskUsage {
  const mine = containers.filter((container) => container.Labels?.[labels.managed] === 'true');
  const imageIds = new Set(mine.map((container) => container.ImageID));
  const used = images.filter((image) => imageIds.has(image.Id));
  return {
    images: { count: used.length, bytes: used.reduce((sum, image) => sum + image.Size, 0) },
    containers: { count: mine.length, bytes: mine.reduce((sum, container) => sum + (container.SizeRw ?? 0), 0) },
  };
}
