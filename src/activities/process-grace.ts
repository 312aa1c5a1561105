import { Context } from '@temporalio/activity';
import { UnhealthyError } from '../model/errors';
import { detailsWith } from '../model/failures';
import type { DeploySpec, ProcessContainer } from '../model/types';
import type { HostDeps } from './host-deps';

const pollMs = 250;

/**
 * A background process has no HTTP health: it counts as healthy once it has
 * stayed running for its grace since it started, or when Docker runs its
 * `healthcheck` and reports healthy. One that exits, restarts or is reported
 * unhealthy first fails the deploy with its log tail.
 */
export async function settleProcesses(deps: HostDeps, spec: DeploySpec, processes: ProcessContainer[]): Promise<void> {
  for (const container of processes) {
    const process = spec.app?.processes[container.process];
    const graceMs = process?.graceMs ?? 10_000;
    for (;;) {
      const info = await deps.containers.inspect(container.containerId).catch(() => undefined);
      const failed = problemOf(info, graceMs);
      if (failed) {
        const logTail = await deps.containers.logTail(container.containerId, 40);
        throw new UnhealthyError(`process ${container.process} (${container.containerName}) ${failed}`, detailsWith('exited', 'health', { logTail }));
      }
      const health = info!.State.Health?.Status;
      const ranMs = Date.now() - Date.parse(info!.State.StartedAt);
      if (process?.healthcheck ? health === 'healthy' : ranMs >= graceMs) break;
      Context.current().heartbeat({ process: container.containerName, ranMs });
      await Context.current().sleep(pollMs);
    }
  }
}

/** Why the container failed its grace, or undefined while it is fine so far. */
function problemOf(info: Awaited<ReturnType<HostDeps['containers']['inspect']>> | undefined, graceMs: number): string | undefined {
  if (!info) return 'no longer exists';
  const grace = `within its grace of ${graceMs} ms`;
  if (info.RestartCount > 0) return `restarted ${info.RestartCount} times ${grace}`;
  if (!info.State.Running) return `exited with code ${info.State.ExitCode} ${grace}`;
  if (info.State.Health?.Status === 'unhealthy') return `is unhealthy by its healthcheck ${grace}`;
  return undefined;
}
