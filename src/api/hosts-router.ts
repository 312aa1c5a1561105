import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Client } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common';
import type { HostInfo } from '../model/host-info';
import type { BerthConfig } from '../config/schema';
import { workflowTypes } from '../workflows/definitions';
import { requireScope, type Caller } from './auth';
import { requireUnlimited } from './token-reach';
import { hostEntries, workerView, type HostEntry, type WorkerView } from './hosts';

/** TASK_QUEUE_TYPE_ACTIVITY: host workers poll only for activities. */
const activityQueue = 2;
/** How long `GET /v1/hosts` waits for a host's worker to answer about its dockerd. */
const describeWaitMs = 5_000;

/** `GET /v1/hosts`: each host's worker (from its queue's pollers), its dockerd (asked through the worker) and environments. */
export function hostsRouter(config: BerthConfig, client: Client, taskQueue: string): Router {
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
      const info = await client.workflow.execute<(host: string, waitMs: number) => Promise<HostInfo>>(workflowTypes.hostInfo, {
        workflowId: `host-info.${entry.name}.${randomBytes(4).toString('hex')}`,
        taskQueue,
        args: [entry.name, describeWaitMs],
        workflowExecutionTimeout: describeWaitMs + 15_000,
      });
      return { ...entry, worker, docker: info.docker, ...(info.disk && { disk: info.disk }) };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
      return { ...entry, worker, docker: null, dockerUnavailable: `host ${entry.name}'s worker did not answer: ${cause}` };
    }
  }

  async function pollers(name: string): Promise<WorkerView> {
    const answer = await client.workflowService.describeTaskQueue({ namespace: client.options.namespace, taskQueue: { name }, taskQueueType: activityQueue });
    return workerView((answer.pollers ?? []).map((poller) => ({ identity: poller.identity ?? '', lastAccessTime: optionalTsToDate(poller.lastAccessTime) })), Date.now());
  }
  return router;
}
