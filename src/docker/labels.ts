/**
 * Docker labels are Berth's only record of which container belongs to which
 * release: listing, retiring and rollback all read them back, so nothing
 * about a release has to live outside Docker.
 */
export const labels = {
  project: 'berth.project',
  environment: 'berth.environment',
  /** The deployment id of the release the container runs. */
  release: 'berth.release',
  /** The deployment that created the container. */
  deployment: 'berth.deployment',
  digest: 'berth.digest',
  /** The image reference as requested, before pinning. */
  image: 'berth.image',
  /** Host port, present only under host networking. */
  port: 'berth.port',
  /** What a one-off container is for (`migration`, `migration-files`); one-offs are never `berth.managed`. */
  oneOff: 'berth.role',
  /** `web` or a background process's name; absent on releases of one container. */
  process: 'berth.process',
  /** The replica index within the process, from 0. */
  replica: 'berth.replica',
  /** A preview instance's name; absent on an environment's own releases. */
  instance: 'berth.instance',
  /** Always `true`; marks containers Berth may stop and remove. */
  managed: 'berth.managed',
} as const;

/** Docker list filters, in the shape dockerode sends as `filters`. */
export type ContainerFilters = Record<string, string[]>;

/** One name per deployment makes container creation idempotent across activity retries. */
export function containerName(deploymentId: string): string {
  return `berth-${deploymentId}`;
}

/** Replica 0 of web keeps the one-container name, so a release without replicas looks as before. */
export function roleContainerName(deploymentId: string, process: string, replica: number): string {
  return process === 'web' && replica === 0 ? containerName(deploymentId) : `${containerName(deploymentId)}-${process}-${replica}`;
}

/** Every Berth container of one environment, for `listContainers({ all: true, filters })`. */
export function environmentFilters(project: string, environment: string, instance?: string): ContainerFilters {
  return {
    label: [`${labels.managed}=true`, `${labels.project}=${project}`, `${labels.environment}=${environment}`, ...(instance ? [`${labels.instance}=${instance}`] : [])],
  };
}
