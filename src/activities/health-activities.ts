import { Context } from '@temporalio/activity';
import { containerPort, upstreamFor } from '../docker/container-spec';
import { UnhealthyError } from '../model/errors';
import { detailsWith } from '../model/failures';
import type { Candidate, DeploySpec } from '../model/types';
import { classify } from './failures';
import { probe } from './http-probe';
import { settleProcesses } from './process-grace';
import type { HostDeps } from './host-deps';

/** Where a candidate's health endpoint answers, as seen from the Berth host; the liveness path unless told. */
export async function healthUrl(deps: HostDeps, spec: DeploySpec, candidate: Candidate, path = spec.health.path): Promise<string> {
  if (candidate.port !== undefined) return `http://${upstreamFor(spec, candidate.containerName, candidate.port, deps.address)}${path}`;
  const info = await deps.containers.inspect(candidate.containerId);
  const address = info.NetworkSettings.Networks[spec.network]?.IPAddress;
  return `http://${address}:${containerPort}${path}`;
}

export function createHealthActivities(deps: HostDeps) {
  return {
    /**
     * Probes until the candidate answers healthy. Failures during the start
     * period do not count; an exited container fails at once with its log tail.
     */
    async waitHealthy(spec: DeploySpec, candidate: Candidate): Promise<{ attempts: number }> {
      return classify(async () => {
        await deps.faults.before('health');
        if (!candidate.replicas && !candidate.processes) return untilHealthy(spec, candidate);
        // Every web replica before the switch, then each process through its grace.
        let attempts = 0;
        for (const replica of candidate.replicas ?? []) attempts += (await untilHealthy(spec, replica)).attempts;
        await settleProcesses(deps, spec, candidate.processes ?? []);
        return { attempts };
      });
    },
  };

  async function untilHealthy(spec: DeploySpec, candidate: Candidate): Promise<{ attempts: number }> {
    const ctx = Context.current();
    // Readiness gates the switch; the liveness path is for the monitor and reconciliation.
    const path = spec.health.readyPath ?? spec.health.path;
    const url = await healthUrl(deps, spec, candidate, path);
    const { intervalMs, timeoutMs, retries, startPeriodMs } = spec.health;
    const startedAt = Date.now();
    let failures = 0;
    let attempts = 0;
    let countedAt = -Infinity;
    let lastProblem: string;
    for (;;) {
      // Quick probes in between count no failure and check no exit: the cadence of both stays `interval`.
      const counted = Date.now() - countedAt >= intervalMs;
      if (counted) {
        const exit = await deps.containers.exitInfo(candidate.containerId);
        if (exit.exited) {
          const logTail = await deps.containers.logTail(candidate.containerId, 40);
          throw new UnhealthyError(`container exited with code ${exit.exitCode} before it became healthy`, detailsWith('exited', 'health', { logTail }));
        }
        countedAt = Date.now();
      }
      attempts += 1;
      const problem = await probe({ url, timeoutMs });
      if (problem === undefined) return { attempts };
      lastProblem = problem;
      if (counted && Date.now() - startedAt >= startPeriodMs) failures += 1;
      ctx.heartbeat({ attempts, failures, lastProblem });
      if (failures >= retries) {
        const logTail = await deps.containers.logTail(candidate.containerId, 40);
        throw new UnhealthyError(`GET ${path} failed ${failures} times; last: ${lastProblem}`, detailsWith('unhealthy', 'health', { logTail }));
      }
      await ctx.sleep(probeDelayMs(Date.now() - startedAt, intervalMs));
    }
  }
}

/** Within its first interval a candidate is probed every this many ms: most apps listen within tens of ms of their start. */
export const quickProbeMs = 20;

/**
 * Pure: how long to wait before the next probe, `elapsedMs` after the first.
 * The first interval is probed quickly, so a release that answers 30 ms after
 * its start serves then, not one whole interval later; then every interval.
 */
export function probeDelayMs(elapsedMs: number, intervalMs: number): number {
  return elapsedMs < intervalMs ? Math.min(quickProbeMs, intervalMs) : intervalMs;
}
