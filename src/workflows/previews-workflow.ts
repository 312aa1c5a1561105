import { CancellationScope, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import type { PreviewSettings, PreviewState } from '../model/preview-types';
import { hostTaskQueue } from '../model/task-queues';
import { Announcer } from './announcer';
import { instanceDeployedSignal, ownerWorkflowId, previewsQuery, registerInstanceUpdate, removeInstanceUpdate } from './definitions';
import { deployed, drop, expire, nextExpiry, register } from './preview-state';

/**
 * The coordinator of one environment with `previews`: it knows the instance
 * set (for `maxInstances` and name collisions) and holds one durable timer for
 * the next expiry. Each instance's deploys run through its own owner
 * (`env.<project>.<environment>.<instance>`); removing an instance cancels
 * that owner, then removes its containers and routes.
 */
export async function previewsWorkflow(input: PreviewState | PreviewSettings): Promise<void> {
  const state: PreviewState = 'instances' in input ? input : { settings: input, instances: [], removing: [] };
  setHandler(previewsQuery, () => state);
  setHandler(registerInstanceUpdate, (request) => register(state, request, Date.now()));
  setHandler(removeInstanceUpdate, ({ tag, by }) => drop(state, tag, `removed by ${by}`));
  setHandler(instanceDeployedSignal, ({ tag, deploymentId }) => deployed(state, tag, deploymentId, Date.now()));

  for (;;) {
    const next = nextExpiry(state);
    const woken = () => state.removing.length > 0 || nextExpiry(state) !== next;
    if (next === undefined) await condition(woken);
    else await condition(woken, Math.max(1, next - Date.now()));
    expire(state, Date.now());
    while (state.removing.length > 0) {
      await removeOne(state);
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      if (state.removing.length === 0) await continueAsNew<typeof previewsWorkflow>(state);
    }
  }
}

/** Stops the instance's owner first, so it cannot heal back what is removed next. */
async function removeOne(state: PreviewState): Promise<void> {
  const { instance, reason } = state.removing[0];
  const { project, environment, host, defaultHostname } = state.settings;
  await cancelOwner(ownerWorkflowId(project, environment, instance.instance));
  const { removePreviewInstance } = proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(host),
    startToCloseTimeout: '2m',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    summary: `remove preview ${instance.tag} (${instance.instance})`,
  });
  const next = [...state.instances].sort((a, b) => b.deployedAt - a.deployedAt)[0];
  const successor = next && { instance: next.instance, hostname: next.hostname };
  const removed = await removePreviewInstance({ project, environment, instance: instance.instance, hostname: instance.hostname, defaultHostname, ...(successor && { successor }) });
  state.removing.shift();
  await new Announcer().announce({
    event: 'instance_removed',
    kind: 'deploy',
    deploymentId: instance.deploymentId,
    project,
    environment,
    image: instance.image,
    status: 'succeeded',
    tag: instance.tag,
    url: instance.url,
    reason: `${instance.tag} (${instance.url}) removed: ${reason}; containers removed: ${removed.containers.join(', ') || 'none'}`,
    at: new Date().toISOString(),
  });
}

/**
 * Asks the instance's owner to stop. A server answers at once (an owner that
 * is gone fails the request); the bound keeps a server that never answers
 * (the time-skipping test server) from holding removal up for good.
 */
async function cancelOwner(workflowId: string): Promise<void> {
  const asked = getExternalWorkflowHandle(workflowId)
    .cancel()
    .catch((error) => log.info('instance owner not running', { workflowId, error: String(error) }));
  const bound = new CancellationScope();
  await Promise.race([asked, bound.run(() => sleep('30s')).catch(() => undefined)]);
  bound.cancel();
}
