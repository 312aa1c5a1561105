import { buildDeploySpec } from '../config/deploy-spec';
import type { BerthConfig } from '../config/schema';
import { autoDeployTargets, olderThanServing, type AutoDeployOutcome } from './auto-deploy-targets';
import { newDeploymentId, type DeploymentService } from './deployment-service';
import { HttpError } from './http-error';
import { checkPromotion, checkWindow } from './promotion';
import { autoDeployPreview } from './preview-auto-deploy';
import type { PushEvent } from './registry-events';

export type { AutoDeployOutcome } from './auto-deploy-targets';


/**
 * Hands a push to every environment that watches it, as a deploy pinned by
 * digest through the environment's owner, so it queues, coalesces and waits
 * for approval like any other. The digest is the idempotency key: the same
 * push told twice is one deploy, and a digest already serving starts nothing.
 */
export async function autoDeploy(config: BerthConfig, deployments: DeploymentService, push: PushEvent, requestedBy: string, pushedAt?: number): Promise<AutoDeployOutcome[]> {
  const outcomes: AutoDeployOutcome[] = [];
  for (const target of autoDeployTargets(config, push)) {
    const { project, environment } = target;
    if (config.projects[project].environments[environment].previews) {
      outcomes.push(await autoDeployPreview(config, deployments, target, push, requestedBy, pushedAt));
      continue;
    }
    const base = { project, environment, tag: push.tag, ...(push.digest && { digest: push.digest }) };
    const desired = (await deployments.owner(project, environment))?.desired;
    if (push.digest && desired?.summary.digest === push.digest) {
      outcomes.push({ ...base, reason: `${push.digest} is already serving` });
      continue;
    }
    if (target.byPattern && olderThanServing(push.tag, desired?.spec.trigger?.tag)) {
      outcomes.push({ ...base, reason: `${push.tag} is older than the serving ${desired?.spec.trigger?.tag}` });
      continue;
    }
    try {
      const spec = buildDeploySpec(config, { project, environment, image: target.image }, { deploymentId: newDeploymentId(project, environment), requestedBy });
      const checked = await checkPromotion(config, deployments, { ...spec, trigger: { tag: push.tag, ...(push.digest && { digest: push.digest }) } });
      checkWindow(config, checked);
      // Docker Hub names no digest: its push time tells one push of a tag from the next.
      const key = `auto/${project}/${environment}/${push.digest ?? `${push.tag}@${pushedAt ?? Date.now()}`}`;
      const answer = await deployments.start(checked, 'deploy', key);
      outcomes.push({ ...base, id: answer.deploymentId, duplicate: answer.duplicate });
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      outcomes.push({ ...base, reason: error.message });
    }
  }
  return outcomes;
}
