import { Router } from 'express';
import type { BerthConfig } from '../config/schema';
import type { DeploymentService } from './deployment-service';
import { requireScope, type Caller } from './auth';
import { requireUnlimited } from './token-reach';
import { hostEntries, workerView, type HostEntry, type WorkerView } from './hosts';

/** How long `GET /v1/hosts` waits for a host's worker to answer about its dockerd. */
const describeWaitMs = 5_000;

/** `GET /v1/hosts`: each host's worker (from its queue's pollers), its dockerd (asked through the worker) and environments. */
export function hostsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();
  router.get('/v1/hosts', requireScope('read'), async (_req, res) => {
    requireUnlimited(res.locals.caller as Caller, '/v1/hosts');
    const hosts = await Promise.all(hostEntries(config).map((entry) => describe(entry)));
    res.json({ hosts });
  });

  async function describe(entry: HostEntry) {
    const worker = await pollers(entry.taskQueue);
    if (!worker.polling) return { ...entry, worker, docker: null, dockerUnavailable: `no worker polls ${entry.taskQueue}` };
    try {
      const info = await deployments.hostInfo(entry.name, describeWaitMs);
      return { ...entry, worker, docker: info.docker, ...(info.disk && { disk: info.disk }) };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      return { ...entry, worker, docker: null, dockerUnavailable: `host ${entry.name}'s worker did not answer: ${cause}` };
    }
  }

  async function pollers(name: string): Promise<WorkerView> {
    return workerView(await deployments.pollers(name), Date.now());
  }
  return router;
}
