import { CancellationScope, allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, log, patched, proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { HostActivities } from '../activities';
import type { PreviewSettings, PreviewState } from '../model/preview-types';
import { hostTaskQueue } from '../model/task-queues';
import { Announcer } from './announcer';
import { instanceDeployedSignal, ownerWorkflowId, previewsQuery, registerInstanceUpdate, removeInstanceUpdate } from './definitions';
import { deployed, expire, finished, inFlightOf, nextExpiry, register, removeTag } from './preview-state';

/** Long enough for a cancelled deploy's compensation (its undo steps retry for minutes at most). */
const deploySettleMs = 10 * 60_000;

/**
 * The coordinator of one environment with `previews`: it knows the instance
 * set (for `maxInstances` and name collisions) and holds one durable timer for
 * the next expiry. Each instance's deploys run through its own owner
 * (`env.<project>.<environment>.<instance>`); removing an instance cancels
 * that owner and the instance's running deploy, waits until that deploy has
 * compensated (or finished), then removes its containers and routes.
 */
export async function previewsWorkflow(input: PreviewState | PreviewSettings): Promise<void> {
  const state: PreviewState = 'instances' in input ? input : { settings: input, instances: [], removing: [] };
  setHandler(previewsQuery, () => state);
  setHandler(registerInstanceUpdate, (request) => register(state, request, Date.now()));
  setHandler(removeInstanceUpdate, ({ tag, by }) => removeTag(state, tag, `removed by ${by}`));
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
  const { project, environment, host, defaultHostname, probe } = state.settings;
  await cancelWorkflow(ownerWorkflowId(project, environment, instance.instance));
  // Coordinators that removed instances before this wait existed replay without it.
  if (patched('preview-removal-waits-for-deploys')) await settleDeploys(state, instance.tag);
  const { removePreviewInstance } = proxyActivities<HostActivities>({
    taskQueue: hostTaskQueue(host),
    startToCloseTimeout: '2m',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s' },
    summary: `remove preview ${instance.tag} (${instance.instance})`,
  });
  const successors = [...state.instances].sort((a, b) => b.deployedAt - a.deployedAt).map((next) => ({ instance: next.instance, hostname: next.hostname }));
  const successor = successors[0];
  const removal = { project, environment, instance: instance.instance, hostname: instance.hostname, defaultHostname, ...(successor && { successor, successors }), ...(probe && { probe }) };
  const removed = await removePreviewInstance(removal);
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
 * A deploy of the instance still running would put its candidate (or a
 * route) back after the removal: each one is cancelled, and the removal waits
 * until it says it ended (its compensation done). One that cannot be
 * cancelled never started or already ended. The bound keeps a deploy that
 * never reports from holding every later removal up.
 */
async function settleDeploys(state: PreviewState, tag: string): Promise<void> {
  for (const deploymentId of inFlightOf(state, tag)) await cancelWorkflow(deploymentId, () => finished(state, deploymentId));
  if (!(await condition(() => inFlightOf(state, tag).length === 0, deploySettleMs))) {
    log.warn('preview deploys did not report their end; removing anyway', { tag, deployments: inFlightOf(state, tag) });
  }
  for (const deploymentId of inFlightOf(state, tag)) finished(state, deploymentId);
}

/**
 * Asks a workflow (the instance's owner, or one of its deploys) to stop. A
 * server answers at once (one that is gone or closed fails the request:
 * `whenGone`); the bound keeps a server that never answers (the time-skipping
 * test server) from holding removal up for good.
 */
async function cancelWorkflow(workflowId: string, whenGone: () => void = () => undefined): Promise<void> {
  const asked = getExternalWorkflowHandle(workflowId)
    .cancel()
    .catch((error) => {
      log.info('workflow not running', { workflowId, error: String(error) });
      whenGone();
    });
  const bound = new CancellationScope();
  await Promise.race([asked, bound.run(() => sleep('30s')).catch(() => undefined)]);
  bound.cancel();
}
