import { Context } from '@temporalio/activity';
import { portOfUpstream, upstreamFor } from '../docker/container-spec';
import { parseImageRef } from '../model/image-ref';
import type { ReleaseSummary } from '../model/owner-types';
import type { DeploySpec, ReleaseContainer } from '../model/types';
import type { HostDeps } from './host-deps';
import { healthUrl } from './health-activities';
import { probe } from './http-probe';
import { recreateReleaseContainer } from './release-container';
import { reconcileApp } from './reconcile-app';
import { routeOf } from './proxy-activities';
import { verifyThroughProxy } from './verify-through-proxy';

export interface ReconcileResult {
  healed: string[];
  problems: string[];
  upstream?: string;
}

export function createReconcileActivities(deps: HostDeps) {
  /**
   * A few probes, so one slow answer is not called drift; a container that
   * just (re)started, by Berth or by Docker's restart policy, gets the health
   * gate's whole budget, as a candidate does, before it counts as unhealthy.
   */
  async function healthy(spec: DeploySpec, container: ReleaseContainer): Promise<boolean> {
    const url = await healthUrl(deps, spec, { containerId: container.id, containerName: container.name, port: container.port, upstream: '' });
    const { startPeriodMs, retries, intervalMs } = spec.health;
    const budgetMs = startPeriodMs + retries * intervalMs;
    const startedAt = Date.parse((await deps.containers.inspect(container.id)).State.StartedAt);
    const attempts = Date.now() - startedAt < budgetMs ? Math.max(3, Math.ceil(budgetMs / intervalMs)) : 3;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if ((await probe({ url, timeoutMs: spec.health.timeoutMs })) === undefined) return true;
      await Context.current().sleep(spec.health.intervalMs);
    }
    return false;
  }


  /**
   * What the container really runs, when that is not the recorded digest: its
   * label says another digest, or its image is not the one the recorded digest
   * names here (a container replaced under the same name and labels).
   */
  async function runsOtherImage(spec: DeploySpec, desired: ReleaseSummary, current: ReleaseContainer): Promise<string | undefined> {
    if (!desired.digest) return undefined;
    if (current.digest !== desired.digest) return current.digest || 'an unrecorded digest';
    const pinnedRef = `${parseImageRef(spec.image).repository}@${desired.digest}`;
    const recorded = await deps.images.idOf(pinnedRef);
    // Without the recorded image here the comparison cannot be made; the label agreed.
    if (!recorded) return undefined;
    const running = (await deps.containers.inspect(current.id)).Image;
    return running === recorded ? undefined : `image ${running.slice(0, 19)}`;
  }

  return {
    /**
     * Compares what should run with what runs and heals the difference:
     * restarts or recreates the desired release, re-applies the route,
     * removes running strays. Returns what it did and what it could not fix.
     */
    async reconcileEnvironment(spec: DeploySpec, desired: ReleaseSummary, upstream: string | undefined): Promise<ReconcileResult> {
      const log = deps.log.child({ project: spec.project, environment: spec.environment, release: desired.release });
      if (spec.app) {
        const result = await reconcileApp(deps, { ...spec, app: spec.app }, desired, upstream, healthy);
        if (result.healed.length || result.problems.length) log.warn({ healed: result.healed, problems: result.problems }, 'drift found');
        return result;
      }
      const healed: string[] = [];
      const problems: string[] = [];
      const releases = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
      let current = releases.find((release) => release.release === desired.release);
      const expectedPort = portOfUpstream(upstream, deps.address);
      if (!current) {
        current = await recreateReleaseContainer(deps, spec, desired, expectedPort);
        healed.push(`recreated ${current.name} from ${desired.digest}`);
      } else {
        const other = await runsOtherImage(spec, desired, current);
        if (other) {
          await deps.containers.remove(current.id);
          current = await recreateReleaseContainer(deps, spec, desired, current.port ?? expectedPort);
          healed.push(`recreated ${current.name} from ${desired.digest}: it ran ${other}`);
        }
      }
      if (!current.running) {
        await deps.containers.start(current.id);
        healed.push(`started ${current.name}`);
      }
      if (!(await healthy(spec, current))) {
        await deps.containers.restart(current.id, spec.stopTimeoutMs);
        if (await healthy(spec, current)) healed.push(`restarted unhealthy ${current.name}`);
        else problems.push(`${current.name} is unhealthy even after a restart`);
      }
      const target = upstreamFor(spec, current.name, current.port, deps.address);
      const route = routeOf(spec);
      if ((await deps.proxy.currentUpstreams(route))?.join(',') !== target) {
        await deps.proxy.point(route, [target]);
        await verifyThroughProxy(deps, spec, [target], { requireHealthy: false });
        healed.push(`re-applied the route of ${spec.hostname} to ${target}`);
      }
      for (const stray of releases.filter((release) => release.running && release.release !== desired.release)) {
        await deps.containers.remove(stray.id);
        healed.push(`removed stray ${stray.name}`);
      }
      if (healed.length || problems.length) log.warn({ healed, problems }, 'drift found');
      return { healed, problems, upstream: target };
    },
  };
}
