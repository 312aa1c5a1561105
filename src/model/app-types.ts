/**
 * What a release runs beside the one web container: web replicas, named
 * background processes, volumes, limits and log rotation. Pure data: bundled
 * into the workflow sandbox as part of the deploy spec.
 */

/** Docker's `Memory` and `NanoCpus`; absent fields are unlimited. */
export interface ResourceSpec {
  memoryBytes?: number;
  nanoCpus?: number;
}

/** Docker's `LogConfig`; `options` are the driver's (`max-size`, `max-file`). */
export interface LoggingSpec {
  driver: string;
  options: Record<string, string>;
}

/** A background process of the release: same image and digest, no proxy route. */
export interface ProcessSpec {
  /** Absent: the project's `cmd`, else the image's CMD. */
  cmd?: string[];
  replicas: number;
  resources?: ResourceSpec;
  /** On top of the release's env. */
  env: Record<string, string>;
  /** It must stay running this long (or pass `healthcheck`) before the switch. */
  graceMs: number;
  /** A command run in the container; exit 0 means healthy. */
  healthcheck?: string[];
}

export interface AppSpec {
  cmd?: string[];
  /** Web containers behind the proxy, each on its own port. */
  replicas: number;
  /** `source:target[:ro]`, passed to Docker as given; shared by every release and process. */
  volumes: string[];
  resources?: ResourceSpec;
  /** Absent: json-file, 10m x 3. */
  logging?: LoggingSpec;
  user?: string;
  labels: Record<string, string>;
  processes: Record<string, ProcessSpec>;
}

/** Which of a release's containers one is: `web` or a process name, and its replica index. */
export interface ContainerRole {
  process: string;
  replica: number;
}

/** The process name of the containers behind the proxy. */
export const webProcess = 'web';

export const defaultLogging: LoggingSpec = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };
