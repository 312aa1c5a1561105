import { getExternalWorkflowHandle, log } from '@temporalio/workflow';
import type { DeploySpec } from '../model/types';
import { instanceDeployedSignal, previewsWorkflowId } from './definitions';
import type { HostActs } from './workflow-activities';

/*
 * What a preview instance's deploy does beyond any deploy. Only specs with
 * `preview` take these steps, and none existed before them, so running
 * workflows replay unchanged without a patch.
 */

/** Once verified, the environment's default name serves this instance too; a failure here leaves the instance serving. */
export async function pointDefaultName(acts: HostActs, spec: DeploySpec, upstream: string): Promise<void> {
  if (!spec.preview) return;
  await acts
    .quick(`point ${spec.preview.defaultHostname} → ${upstream}`)
    .pointDefaultRoute(spec, upstream)
    .catch((error) => log.warn('default name not pointed', { error: String(error) }));
}

/** Tells the coordinator the deploy ended, whatever its outcome: the instance's ttl counts from here. */
export async function tellCoordinator(spec: DeploySpec): Promise<void> {
  if (!spec.preview) return;
  await getExternalWorkflowHandle(previewsWorkflowId(spec.project, spec.environment))
    .signal(instanceDeployedSignal, { tag: spec.preview.tag, deploymentId: spec.deploymentId })
    .catch((error) => log.warn('preview coordinator not told', { error: String(error) }));
}
