import type { BerthConfig } from '../config/schema';
import type { AutoDeployOutcome, AutoDeployTarget } from './auto-deploy-targets';
import type { DeploymentService } from './deployment-service';
import { HttpError } from './http-error';
import { previewTargetFor, startPreviewDeploy } from './preview-deploy';
import type { PushEvent } from './registry-events';

/**
 * A push to an environment with `previews`: the pushed tag deploys as its own
 * instance, pinned by digest, keyed by the digest (the same push twice is one
 * deploy). A pattern deploys every matching tag, not only the newest: each is
 * its own instance. A digest the instance already serves starts nothing.
 */
export async function autoDeployPreview(config: BerthConfig, deployments: DeploymentService, target: AutoDeployTarget, push: PushEvent, requestedBy: string, pushedAt?: number): Promise<AutoDeployOutcome> {
  const { project, environment } = target;
  const base = { project, environment, tag: push.tag, ...(push.digest && { digest: push.digest }) };
  try {
    const { instance } = previewTargetFor(config, project, environment, push.tag);
    const desired = (await deployments.owner(project, environment, instance))?.desired;
    if (push.digest && desired?.summary.digest === push.digest) return { ...base, reason: `${push.digest} is already serving at ${instance}` };
    const key = `auto/${project}/${environment}/${push.tag}/${push.digest ?? pushedAt ?? Date.now()}`;
    const trigger = { tag: push.tag, ...(push.digest && { digest: push.digest }) };
    const started = await startPreviewDeploy(config, deployments, { project, environment, tag: push.tag, image: target.image, trigger, idempotencyKey: key }, requestedBy);
    return { ...base, id: started.id, ...(started.duplicate && { duplicate: true }) };
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    return { ...base, reason: error.message };
  }
}
