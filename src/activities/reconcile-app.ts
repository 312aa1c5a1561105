import { portOfUpstream, upstreamFor } from '../docker/container-spec';
import { webProcess, type AppSpec } from '../model/app-types';
import type { ReleaseSummary } from '../model/owner-types';
import type { DeploySpec, ReleaseContainer } from '../model/types';
import { joinUpstreams, splitUpstreams } from '../model/upstream-list';
import { rolesOf } from './app-release';
import { routeOf } from './proxy-activities';
import type { HostDeps } from './host-deps';
import { recreateReleaseContainer } from './release-container';
import { verifyThroughProxy } from './verify-through-proxy';

export interface AppReconcileResult {
  healed: string[];
  problems: string[];
  upstream?: string;
}

type Healthy = (spec: DeploySpec, container: ReleaseContainer) => Promise<boolean>;

/**
 * Reconciliation of a release with replicas or processes: every replica of
 * every process runs, web replicas are healthy and all of them are routed.
 * Each container is judged and healed on its own, so a killed replica is
 * replaced and its siblings are left alone.
 */
export async function reconcileApp(deps: HostDeps, spec: DeploySpec & { app: AppSpec }, desired: ReleaseSummary, upstream: string | undefined, healthy: Healthy): Promise<AppReconcileResult> {
  const healed: string[] = [];
  const problems: string[] = [];
  const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
  const mine = releases.filter((container) => container.release === desired.release);
  const routedPorts = splitUpstreams(upstream ?? '').map((u) => portOfUpstream(u, deps.address));
  const web: ReleaseContainer[] = [];
  for (const role of rolesOf(spec.app)) {
    let container = mine.find((c) => (c.process ?? webProcess) === role.process && (c.replica ?? 0) === role.replica);
    if (!container) {
      container = await recreateReleaseContainer(deps, spec, desired, role.process === webProcess ? routedPorts[role.replica] : undefined, role);
      healed.push(`recreated ${container.name} from ${desired.digest}`);
    } else if (!container.running) {
      await deps.containers.start(container.id);
      healed.push(`started ${container.name}`);
    }
    if (role.process !== webProcess) continue;
    if (!(await healthy(spec, container))) {
      await deps.containers.restart(container.id, spec.stopTimeoutMs);
      if (await healthy(spec, container)) healed.push(`restarted unhealthy ${container.name}`);
      else problems.push(`${container.name} is unhealthy even after a restart`);
    }
    web.push(container);
  }
  const targets = web.map((c) => upstreamFor(spec, c.name, c.port, deps.address));
  const route = routeOf(spec);
  if (joinUpstreams((await deps.proxy.currentUpstreams(route)) ?? []) !== joinUpstreams(targets)) {
    await deps.proxy.point(route, targets);
    await verifyThroughProxy(deps, spec, targets, { requireHealthy: false });
    healed.push(`re-applied the route of ${spec.hostname} to ${joinUpstreams(targets)}`);
  }
  for (const stray of releases.filter((release) => release.running && release.release !== desired.release)) {
    await deps.containers.remove(stray.id);
    healed.push(`removed stray ${stray.name}`);
  }
  return { healed, problems, upstream: joinUpstreams(targets) };
}
