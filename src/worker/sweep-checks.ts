import { addressPort } from '../docker/container-spec';
import { mapLimit } from '../model/map-limit';
import { parseImageRef } from '../model/image-ref';
import type { OwnedRoute } from '../proxy/driver';
import type { ReleaseContainer } from '../model/types';

/** One environment a host serves, as the sweep compares it. */
export interface SweptEnvironment {
  project: string;
  environment: string;
  hostname: string;
  /** The liveness path the sweep probes, and how often (`reconcile.probe`). */
  health: { path: string; timeoutMs: number };
  probeEveryMs: number;
}

/** An environment that looks drifted, and why; its owner runs one full reconcile pass. */
export interface Drift {
  project: string;
  environment: string;
  why: string;
}

/** An environment whose route serves running releases: the ones the sweep's deeper checks look at. */
export interface Served {
  environment: SweptEnvironment;
  /** Its place among the host's environments, which spreads its probes over the sweeps. */
  index: number;
  releases: ReleaseContainer[];
}

/** `project/environment`: how the sweep keys environments and their drift. */
export function keyOf({ project, environment }: { project: string; environment: string }): string {
  return `${project}/${environment}`;
}

export function servedBy(upstream: string, release: ReleaseContainer): boolean {
  return (release.port !== undefined && upstream.endsWith(`:${release.port}`)) || upstream.startsWith(`${release.name}:`);
}

/** Pure: each environment's running releases that its route points at. */
export function servedReleases(environments: SweptEnvironment[], releasesOf: Map<string, ReleaseContainer[]>, routes: OwnedRoute[]): Served[] {
  const routeOf = new Map(routes.map((owned) => [owned.hostname, owned]));
  return environments.flatMap((environment, index) => {
    const route = routeOf.get(environment.hostname);
    const running = (releasesOf.get(keyOf(environment)) ?? []).filter((release) => release.running);
    const releases = running.filter((release) => route?.upstreams.some((upstream) => servedBy(upstream, release)));
    return releases.length > 0 ? [{ environment, index, releases }] : [];
  });
}

/**
 * Pure: whether environment `index` is probed in sweep number `sweep`. Each
 * environment is probed once every `probeEveryMs`, and the host's
 * environments take turns, so each sweep probes about the same share.
 */
export function dueForProbe(index: number, sweep: number, probeEveryMs: number, sweepEveryMs: number): boolean {
  const turns = Math.max(1, Math.round(probeEveryMs / sweepEveryMs));
  return index % turns === sweep % turns;
}

/**
 * Served releases that run another image than their digest label names: a
 * container replaced under the same name and labels. One image lookup per
 * distinct digest; an image no longer here cannot be compared and passes.
 */
export async function imageDrift(served: Served[], idOf: (ref: string) => Promise<string | undefined>): Promise<Drift[]> {
  const ids = new Map<string, Promise<string | undefined>>();
  const drift: Drift[] = [];
  for (const { environment, releases } of served) {
    for (const release of releases) {
      if (!release.digest || !release.imageId) continue;
      const ref = `${parseImageRef(release.image).repository}@${release.digest}`;
      if (!ids.has(ref)) ids.set(ref, idOf(ref).catch(() => undefined));
      const recorded = await ids.get(ref);
      if (recorded && recorded !== release.imageId) {
        drift.push({ project: environment.project, environment: environment.environment, why: `${release.name} runs another image than its digest` });
        break;
      }
    }
  }
  return drift;
}

/**
 * Probes the health path of each served release with a port on `address`
 * (host networking), a few at a time; an environment with a failing release
 * is drift. One failed probe only asks its owner to look: the owner's pass
 * probes again before it restarts anything.
 */
export async function healthDrift(served: Served[], address: string, probe: (url: string, timeoutMs: number) => Promise<string | undefined>, concurrency = 8): Promise<Drift[]> {
  const work = served.flatMap(({ environment, releases }) =>
    releases.filter((release) => release.port !== undefined).map((release) => ({ environment, release })),
  );
  const failed = new Map<string, Drift>();
  await mapLimit(work, concurrency, async ({ environment, release }) => {
    const key = keyOf(environment);
    if (failed.has(key)) return;
    const problem = await probe(`http://${addressPort(address, release.port!)}${environment.health.path}`, environment.health.timeoutMs);
    if (problem) failed.set(key, { project: environment.project, environment: environment.environment, why: `${release.name} fails its health check: ${problem}` });
  });
  return [...failed.values()];
}
