import type Dockerode from 'dockerode';
import { defaultLogging, webProcess, type AppSpec, type ContainerRole, type ResourceSpec } from '../model/app-types';
import { labels, roleContainerName } from './labels';

/** What the app settings add to one container's create options. */
export interface AppOptions {
  name?: string;
  Cmd?: string[];
  User?: string;
  /** The user's labels; Berth's own are added over them. */
  userLabels: Record<string, string>;
  roleLabels: Record<string, string>;
  /** Process env and BERTH_PROCESS / BERTH_REPLICA, over the release's env. */
  env: Record<string, string>;
  hostConfig: Dockerode.HostConfig;
  Healthcheck?: Dockerode.ContainerCreateOptions['Healthcheck'];
}

function limits(resources: ResourceSpec | undefined): Dockerode.HostConfig {
  return {
    ...(resources?.memoryBytes !== undefined && { Memory: resources.memoryBytes }),
    ...(resources?.nanoCpus !== undefined && { NanoCpus: resources.nanoCpus }),
  };
}

/**
 * Pure: the options one container of a release gets from the app settings.
 * Without app settings only log rotation applies, so no Berth container
 * fills the disk with logs.
 */
export function appOptions(deploymentId: string, app: AppSpec | undefined, role: ContainerRole | undefined): AppOptions {
  const logging = app?.logging ?? defaultLogging;
  const LogConfig = { Type: logging.driver, Config: { ...logging.options } };
  if (!app) return { userLabels: {}, roleLabels: {}, env: {}, hostConfig: { LogConfig } };
  const { process, replica } = role ?? { process: webProcess, replica: 0 };
  const own = process === webProcess ? undefined : app.processes[process];
  if (process !== webProcess && !own) throw new Error(`release ${deploymentId} has no process "${process}"`);
  const cmd = own?.cmd ?? app.cmd;
  const healthcheck = own?.healthcheck;
  return {
    name: roleContainerName(deploymentId, process, replica),
    ...(cmd && { Cmd: [...cmd] }),
    ...(app.user !== undefined && { User: app.user }),
    userLabels: { ...app.labels },
    roleLabels: { [labels.process]: process, [labels.replica]: String(replica) },
    env: { ...own?.env, BERTH_PROCESS: process, BERTH_REPLICA: `${process}-${replica}` },
    hostConfig: {
      ...(app.volumes.length > 0 && { Binds: [...app.volumes] }),
      ...limits(own ? own.resources : app.resources),
      LogConfig,
    },
    // Docker runs it; the grace check reads State.Health. Nanoseconds, as the API wants them.
    ...(healthcheck && { Healthcheck: { Test: ['CMD', ...healthcheck], Interval: 1e9, Timeout: 5e9, Retries: 3, StartPeriod: 0 } }),
  };
}
