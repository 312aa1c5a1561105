import type { BerthConfig } from '../config/schema';
import { proxyFor } from '../config/schema';
import { dockerFor } from '../docker/connect';
import { ContainerClient } from '../docker/container-client';
import type { Logger } from '../logger';
import type { OwnedRoute } from '../proxy/driver';
import type { ReleaseContainer } from '../model/types';
import { createProxyDriver } from './create-proxy-driver';

/** One environment a host serves, as the sweep compares it. */
export interface SweptEnvironment {
  project: string;
  environment: string;
  hostname: string;
}

/** An environment that looks drifted, and why; its owner runs one full reconcile pass. */
export interface Drift {
  project: string;
  environment: string;
  why: string;
}

/** Pure: the environments on `host` with the hostname each is served under. */
export function sweptEnvironments(config: BerthConfig, host: string): SweptEnvironment[] {
  return Object.entries(config.projects).flatMap(([project, spec]) =>
    Object.entries(spec.environments)
      // Preview instances have owners of their own; their events and backstop passes heal them.
      .filter(([, env]) => env.host === host && !env.previews)
      .map(([environment, env]) => ({ project, environment, hostname: env.hostname })),
  );
}

function servedBy(upstream: string, release: ReleaseContainer): boolean {
  return (release.port !== undefined && upstream.endsWith(`:${release.port}`)) || upstream.startsWith(`${release.name}:`);
}

/**
 * Pure: what one listing of a host's containers and one of the proxy's routes
 * show as drifted. Only environments with a trace (a container or a route)
 * have an owner to tell. `routes` undefined: the proxy could not be read, so
 * only the containers are judged. Cheap checks only: a wrong digest or an
 * unhealthy release is left to the owner's long backstop pass.
 */
export function findDrift(environments: SweptEnvironment[], releasesOf: Map<string, ReleaseContainer[]>, routes: OwnedRoute[] | undefined): Drift[] {
  const drift: Drift[] = [];
  const routeOf = new Map((routes ?? []).map((owned) => [owned.hostname, owned]));
  for (const { project, environment, hostname } of environments) {
    const releases = releasesOf.get(`${project}/${environment}`) ?? [];
    const route = routeOf.get(hostname);
    if (releases.length === 0 && !route) continue;
    const running = releases.filter((release) => release.running);
    if (running.length === 0) drift.push({ project, environment, why: 'no release running' });
    else if (routes && !route) drift.push({ project, environment, why: 'route missing' });
    else if (route && !route.upstreams.some((upstream) => running.some((release) => servedBy(upstream, release)))) {
      drift.push({ project, environment, why: 'route points to no running release' });
    }
  }
  return drift;
}

export interface HostSweepSetup {
  config: BerthConfig;
  host: string;
  intervalMs: number;
  log: Logger;
  /** How long the same lasting drift waits before its owner is signalled again; default 10 min. */
  repeatMs?: number;
  /** Asks the owner for one reconcile pass (the event watchers' coalesced resync). */
  resync(project: string, environment: string): void;
}

/**
 * Every `intervalMs`, one container listing and one route listing per host
 * stand in for a pass per environment: only owners whose environment looks
 * drifted are signalled, so an idle environment costs no Temporal action here.
 */
export function startHostSweep(setup: HostSweepSetup): { stop(): Promise<void> } {
  const { config, host, log } = setup;
  const environments = sweptEnvironments(config, host);
  const containers = new ContainerClient(dockerFor(config.hosts[host].docker), log);
  const proxy = createProxyDriver(proxyFor(config, host), { log, env: process.env, where: `hosts.${host}.proxy` });
  // Drift that persists (a paused owner, a heal that keeps failing) is signalled again only after a while.
  const signalled = new Map<string, number>();
  const repeatMs = setup.repeatMs ?? 600_000;
  let current: Promise<void> | undefined;
  let stopped = false;
  const sweep = async () => {
    try {
      const releases = await containers.allReleases();
      const routes = await proxy.listOwned().catch((error: Error) => void log.warn({ error: error.message }, 'sweep could not list proxy routes'));
      const drift = stopped ? [] : findDrift(environments, releases, routes ?? undefined);
      const now = Date.now();
      for (const key of signalled.keys()) if (!drift.some((d) => `${d.project}/${d.environment}` === key)) signalled.delete(key);
      for (const { project, environment, why } of drift) {
        const key = `${project}/${environment}`;
        if (now - (signalled.get(key) ?? -Infinity) < repeatMs) continue;
        signalled.set(key, now);
        log.info({ project, environment, why }, 'sweep found drift');
        setup.resync(project, environment);
      }
    } catch (error) {
      log.warn({ error: (error as Error).message }, 'host sweep failed; the owners\' backstop passes remain');
    } finally {
      current = undefined;
    }
  };
  const timer = setInterval(() => {
    if (!current && environments.length > 0) current = sweep();
  }, setup.intervalMs);
  timer.unref();
  return {
    // Waits for a sweep in flight, so nothing is signalled after the watchers stopped.
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
