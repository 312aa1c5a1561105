import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { PreviewSettings } from '../../src/model/preview-types';
import type { DeployRecord } from '../../src/model/types';
import { registerInstance, removeInstance } from '../../src/temporal/previews-client';
import { previewsWorkflowId } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { enqueueWithOwner } from '../../src/temporal/owner-client';
import { finalRecord } from './deploy-runs';
import { FakeWorld, taskQueue, withWorkers } from './fake-world';
import { deploySpec, ownerSettings } from './specs';

/**
 * A preview instance removed while its deploy (run by the instance's owner) sits in the health step: the
 * coordinator's removal, the deploy's cancel and compensation, in whatever
 * order the workflows make them. Shared by the test and the history recording.
 */
export async function removeWhileDeploying(env: TestWorkflowEnvironment, environment: string): Promise<{ world: FakeWorld; record: DeployRecord; coordinatorId: string; deploymentId: string }> {
  const settings: PreviewSettings = { project: 'web', environment, host: 'local', defaultHostname: `stage-${environment}-web.preview.localhost`, probe: { path: '/health', timeoutMs: 1000 } };
  const instance = `stage-${environment}-web-pr-9`;
  const hostname = `${instance}.preview.localhost`;
  const spec = deploySpec({
    deploymentId: `${environment}-pr-9`,
    environment,
    hostname,
    preview: { instance, tag: 'pr-9', url: `http://${hostname}`, defaultHostname: settings.defaultHostname },
  });
  const world = new FakeWorld().hold('waitHealthy');
  const healthRunning = world.running('waitHealthy');
  const record = await withWorkers(env, world, async () => {
    await registerInstance(env.client, taskQueue, { settings, instance: { tag: 'pr-9', instance, hostname, url: `http://${hostname}`, image: spec.image, deploymentId: spec.deploymentId, requestedBy: 'ci', deployedAt: 0 } });
    // As the API does: the instance's own owner runs the deploy as its child.
    await enqueueWithOwner(env.client, taskQueue, { kind: 'deploy', spec, settings: ownerSettings({ environment, instance }) });
    await healthRunning;
    const handle = env.client.workflow.getHandle(spec.deploymentId);
    await removeInstance(env.client, 'web', environment, 'pr-9', 'ops');
    const closed = await finalRecord(handle);
    await eventually(() => world.calls.includes('removePreviewInstance'), { what: 'the instance removed', timeoutMs: 60_000 });
    return closed;
  });
  return { world, record, coordinatorId: previewsWorkflowId('web', environment), deploymentId: spec.deploymentId };
}
