import { defaultLogging, type AppSpec, type LoggingSpec, type ResourceSpec } from '../model/app-types';
import type { AppSettings } from './app-schema';

function resourcesOf(resources: { memory?: number; cpus?: number } | undefined): ResourceSpec | undefined {
  if (!resources || (resources.memory === undefined && resources.cpus === undefined)) return undefined;
  return {
    ...(resources.memory !== undefined && { memoryBytes: resources.memory }),
    ...(resources.cpus !== undefined && { nanoCpus: Math.round(resources.cpus * 1e9) }),
  };
}

function loggingOf(logging: AppSettings['logging']): LoggingSpec | undefined {
  if (!logging) return undefined;
  if (logging.driver !== 'json-file' && logging.driver !== 'local') return { driver: logging.driver, options: {} };
  const { options } = defaultLogging;
  return { driver: logging.driver, options: { 'max-size': logging.maxSize ?? options['max-size'], 'max-file': String(logging.maxFiles ?? options['max-file']) } };
}

/**
 * Pure: the app part of a deploy spec from an environment's effective
 * settings; undefined when none is set, so such a deploy runs as before.
 * A process's resources override the project's field by field.
 */
export function appSpecFrom(settings: AppSettings): AppSpec | undefined {
  const keys = ['cmd', 'replicas', 'volumes', 'resources', 'logging', 'user', 'labels', 'processes'] as const;
  if (keys.every((key) => settings[key] === undefined)) return undefined;
  const resources = resourcesOf(settings.resources);
  const logging = loggingOf(settings.logging);
  const processes: AppSpec['processes'] = {};
  for (const [name, process] of Object.entries(settings.processes ?? {})) {
    const own = resourcesOf({ ...settings.resources, ...process.resources });
    processes[name] = {
      ...(process.cmd && { cmd: [...process.cmd] }),
      replicas: process.replicas,
      ...(own && { resources: own }),
      env: { ...process.env },
      graceMs: process.grace,
      ...(process.healthcheck && { healthcheck: [...process.healthcheck] }),
    };
  }
  return {
    ...(settings.cmd && { cmd: [...settings.cmd] }),
    replicas: settings.replicas ?? 1,
    volumes: [...(settings.volumes ?? [])],
    ...(resources && { resources }),
    ...(logging && { logging }),
    ...(settings.user !== undefined && { user: settings.user }),
    labels: { ...settings.labels },
    processes,
  };
}
