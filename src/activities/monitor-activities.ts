import { Context } from '@temporalio/activity';
import { UnhealthyError } from '../model/errors';
import { detailsWith } from '../model/failures';
import type { Candidate, DeploySpec } from '../model/types';
import { classify } from './failures';
import type { HostDeps } from './host-deps';
import { probe } from './http-probe';

export function createMonitorActivities(deps: HostDeps) {
  return {
    /**
     * After the switch, keeps probing the health path through the proxy for
     * the monitor window. More failures than allowed fail the release, so the
     * workflow reverts traffic; a release that breaks a minute later is caught.
     */
    async monitorThroughProxy(spec: DeploySpec, candidate: Candidate): Promise<{ probes: number; failures: number }> {
      return classify(async () => {
        await deps.faults.before('monitor');
        const ctx = Context.current();
        const { monitorMs, monitorFailures, intervalMs, timeoutMs, path } = spec.health;
        const url = `http://${deps.proxy.listen}${path}`;
        const endsAt = Date.now() + monitorMs;
        let probes = 0;
        let failures = 0;
        while (Date.now() < endsAt) {
          probes += 1;
          const problem = await probe({ url, hostHeader: spec.hostname, timeoutMs });
          if (problem !== undefined) {
            failures += 1;
            deps.log.warn({ deploymentId: spec.deploymentId, problem, failures }, 'monitor probe failed');
            if (failures >= monitorFailures) {
              const logTail = await deps.containers.logTail(candidate.containerId, 40);
              throw new UnhealthyError(`verify through the proxy failed ${failures} times within the monitor window; last: ${problem}`, detailsWith('monitor', 'monitor', { logTail }));
            }
          }
          ctx.heartbeat({ probes, failures });
          await ctx.sleep(intervalMs);
        }
        return { probes, failures };
      });
    },
  };
}
