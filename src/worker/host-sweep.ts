import type { BerthConfig } from '../config/schema';
import { proxyFor } from '../config/schema';
import { dockerFor } from '../docker/connect';
import { ContainerClient } from '../docker/container-client';
import { ImageClient } from '../docker/image-client';
import { probe } from '../activities/http-probe';
import type { Logger } from '../logger';
import type { OwnedRoute } from '../proxy/driver';
import type { ReleaseContainer } from '../model/types';
import { createProxyDriver } from './create-proxy-driver';
import { dueForProbe, healthDrift, imageDrift, keyOf, servedBy, servedReleases, type Drift, type SweptEnvironment } from './sweep-checks';

export type { Drift, SweptEnvironment } from './sweep-checks';

/** Pure: the environments on `host` with the hostname each is served under. */
export function sweptEnvironments(config: BerthConfig, host: string): SweptEnvironment[] {
  return Object.entries(config.projects).flatMap(([project, spec]) =>
    Object.entries(spec.environments)
      // Preview instances have owners of their own; their events and backstop passes heal them.
      .filter(([, env]) => env.host === host && !env.previews)
      .map(([environment, env]) => ({
        project,
        environment,
        hostname: env.hostname,
        health: { path: env.health.path, timeoutMs: env.health.timeout },
        probeEveryMs: env.reconcile.probe,
      })),
  );
}

/**
 * Pure: what one listing of a host's containers and one of the proxy's routes
 * show as drifted. Only environments with a trace (a container or a route)
 * have an owner to tell. `routes` undefined: the proxy could not be read, so
 * only the containers are judged. The checks that need Docker or the
 * release itself (src/worker/sweep-checks.ts) follow for the rest.
 */
export function findDrift(environments: SweptEnvironment[], releasesOf: Map<string, ReleaseContainer[]>, routes: OwnedRoute[] | undefined): Drift[] {
  const drift: Drift[] = [];
  const routeOf = new Map((routes ?? []).map((owned) => [owned.hostname, owned]));
  for (const { project, environment, hostname } of environments) {
    const releases = releasesOf.get(keyOf({ project, environment })) ?? [];
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

/** When each drifted environment's owner was last signalled, and why. */
export type Signalled = Map<string, { at: number; why: string }>;

/**
 * The drift whose owners to signal now, recorded in `signalled`. Drift that
 * persists (a paused owner, a heal that keeps failing) is signalled again
 * only after `repeatMs`; another kind of drift in the same environment (a
 * route healed, then its release turning unhealthy) at once. An environment
 * no longer drifted is forgotten.
 */
export function toSignal(drift: Drift[], signalled: Signalled, now: number, repeatMs: number): Drift[] {
  const drifted = new Set(drift.map(keyOf));
  for (const key of signalled.keys()) if (!drifted.has(key)) signalled.delete(key);
  return drift.filter((d) => {
    const key = keyOf(d);
    const before = signalled.get(key);
    if (before && before.why === d.why && now - before.at < repeatMs) return false;
    signalled.set(key, { at: now, why: d.why });
    return true;
  });
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
 * Each sweep also compares the served releases' images with their digests
 * (one image lookup per digest) and probes the health path of the share of
 * environments whose turn it is, so each is probed once per `reconcile.probe`.
 */
export function startHostSweep(setup: HostSweepSetup): { stop(): Promise<void> } {
  const { config, host, log } = setup;
  const environments = sweptEnvironments(config, host);
  const docker = dockerFor(config.hosts[host].docker);
  const containers = new ContainerClient(docker, log);
  const images = new ImageClient(docker, log);
  const address = config.hosts[host].address;
  let sweeps = 0;
  const proxy = createProxyDriver(proxyFor(config, host), { log, env: process.env, where: `hosts.${host}.proxy` });
  const signalled: Signalled = new Map();
  const repeatMs = setup.repeatMs ?? 600_000;
  let current: Promise<void> | undefined;
  let stopped = false;
  // Environments already found drifted need no deeper look: their owners run a full pass.
  const deeperDrift = async (releases: Map<string, ReleaseContainer[]>, routes: OwnedRoute[], known: Drift[]): Promise<Drift[]> => {
    const sweep = sweeps++;
    const skip = new Set(known.map(keyOf));
    const served = servedReleases(environments, releases, routes).filter(({ environment }) => !skip.has(keyOf(environment)));
    const swapped = await imageDrift(served, (ref) => images.idOf(ref));
    swapped.forEach((d) => skip.add(keyOf(d)));
    const due = served.filter(({ environment, index }) => !skip.has(keyOf(environment)) && dueForProbe(index, sweep, environment.probeEveryMs, setup.intervalMs));
    const sick = await healthDrift(due, address, (url, timeoutMs) => probe({ url, timeoutMs }));
    return [...swapped, ...sick];
  };
  const sweep = async () => {
    try {
      const releases = await containers.allReleases();
      const routes = await proxy.listOwned().catch((error: Error) => void log.warn({ error: error.message }, 'sweep could not list proxy routes'));
      const drift = stopped ? [] : findDrift(environments, releases, routes ?? undefined);
      if (routes && !stopped) drift.push(...(await deeperDrift(releases, routes, drift)));
      for (const { project, environment, why } of toSignal(drift, signalled, Date.now(), repeatMs)) {
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
