import { Context } from '@temporalio/activity';
import { resolveSecret } from '../config/secrets';
import { buildContainerOptions, upstreamFor } from '../docker/container-spec';
import { parseImageRef } from '../model/image-ref';
import type { ReleaseSummary } from '../model/owner-types';
import type { DeploySpec, ReleaseContainer } from '../model/types';
import { usedPorts } from './container-activities';
import type { HostDeps } from './host-deps';
import { healthUrl } from './health-activities';
import { probe } from './http-probe';

export interface ReconcileResult {
  healed: string[];
  problems: string[];
  upstream?: string;
}

export function createReconcileActivities(deps: HostDeps) {
  /** A few probes, so one slow answer is not called drift. */
  async function healthy(spec: DeploySpec, container: ReleaseContainer): Promise<boolean> {
    const url = await healthUrl(deps, spec, { containerId: container.id, containerName: container.name, port: container.port, upstream: '' });
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await probe({ url, timeoutMs: spec.health.timeoutMs })) === undefined) return true;
      await Context.current().sleep(spec.health.intervalMs);
    }
    return false;
  }

  /** The desired release's container was removed: create it again from its digest, with its port if free. */
  async function recreate(spec: DeploySpec, desired: ReleaseSummary, port: number | undefined): Promise<ReleaseContainer> {
    const pinnedRef = `${parseImageRef(spec.image).repository}@${desired.digest}`;
    const image = await deps.images.pull(pinnedRef, { onProgress: () => Context.current().heartbeat() });
    const env: Record<string, string> = { ...spec.env };
    for (const [key, ref] of Object.entries(spec.secretEnv)) env[key] = resolveSecret(ref, deps.env);
    const usable = port !== undefined ? port : await deps.ports.allocate(spec.portRange, await usedPorts(deps));
    const options = buildContainerOptions({ spec: { ...spec, deploymentId: desired.release }, pinnedRef: image.pinnedRef, digest: image.digest, port: usable, env });
    const { id } = await deps.containers.createAndStart(options);
    await deps.containers.setRestartPolicy(id, 'unless-stopped');
    return (await deps.containers.listReleases(spec.project, spec.environment)).find((r) => r.id === id)!;
  }

  return {
    /**
     * Compares what should run with what runs and heals the difference:
     * restarts or recreates the desired release, re-applies the route,
     * removes running strays. Returns what it did and what it could not fix.
     */
    async reconcileEnvironment(spec: DeploySpec, desired: ReleaseSummary, upstream: string | undefined): Promise<ReconcileResult> {
      const log = deps.log.child({ project: spec.project, environment: spec.environment, release: desired.release });
      const healed: string[] = [];
      const problems: string[] = [];
      const releases = await deps.containers.listReleases(spec.project, spec.environment);
      let current = releases.find((release) => release.release === desired.release);
      const expectedPort = upstream?.startsWith('127.0.0.1:') ? Number(upstream.slice('127.0.0.1:'.length)) : undefined;
      if (!current) {
        current = await recreate(spec, desired, expectedPort);
        healed.push(`recreated ${current.name} from ${desired.digest}`);
      } else if (current.digest !== desired.digest) {
        problems.push(`${current.name} runs ${current.digest}, not ${desired.digest}`);
      }
      if (!current.running) {
        await deps.docker.getContainer(current.id).start().catch((error: { statusCode?: number }) => {
          if (error.statusCode !== 304) throw error;
        });
        healed.push(`started ${current.name}`);
      }
      if (!(await healthy(spec, current))) {
        await deps.docker.getContainer(current.id).restart({ t: Math.ceil(spec.stopTimeoutMs / 1000) });
        if (await healthy(spec, current)) healed.push(`restarted unhealthy ${current.name}`);
        else problems.push(`${current.name} is unhealthy even after a restart`);
      }
      const target = upstreamFor(spec, current.name, current.port);
      if ((await deps.proxy.currentUpstream(spec.project, spec.environment)) !== target) {
        await deps.proxy.switchRoute({ project: spec.project, environment: spec.environment, hostname: spec.hostname, upstream: target });
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
