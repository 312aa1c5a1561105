import { Router } from 'express';
import type { PreviewInstance } from '../model/preview-types';
import { requireScope, type Caller } from './auth';
import type { DeploymentService } from './deployment-service';
import type { BerthConfig } from '../config/schema';
import { HttpError } from './http-error';
import { previewsOf } from './preview-deploy';
import { requireReach } from './token-reach';

const instancesPath = '/v1/projects/:project/environments/:environment/instances';

/** The preview instances of an environment with `previews`: list them, remove one. */
export function previewsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();

  function target(caller: Caller, params: Record<string, string>): { project: string; environment: string } {
    const { project, environment } = params as { project: string; environment: string };
    requireReach(caller, project, [environment]);
    if (!config.projects[project]) throw new HttpError('not_found', `project "${project}" is not configured`);
    if (!config.projects[project].environments[environment]) throw new HttpError('not_found', `environment "${environment}" is not configured for project "${project}"`);
    previewsOf(config, project, environment);
    return { project, environment };
  }

  router.get(instancesPath, async (req, res) => {
    const { project, environment } = target(res.locals.caller as Caller, req.params as Record<string, string>);
    const state = await deployments.previews(project, environment);
    const instances = [...(state?.instances ?? [])].sort((a, b) => b.deployedAt - a.deployedAt);
    res.json({ project, environment, instances: await Promise.all(instances.map((instance, index) => view(instance, index === 0))) });

    /** What the instance's owner knows of the release that serves, beside what the coordinator recorded. */
    async function view(instance: PreviewInstance, isDefault: boolean) {
      const desired = (await deployments.owner(project, environment, instance.instance))?.desired?.summary;
      return {
        tag: instance.tag,
        instance: instance.instance,
        url: instance.url,
        default: isDefault,
        image: desired?.image ?? instance.image,
        digest: desired?.digest ?? null,
        deploymentId: instance.deploymentId,
        release: desired?.release ?? null,
        deployedAt: new Date(instance.deployedAt).toISOString(),
        deployedBy: instance.requestedBy,
        expiresAt: instance.expiresAt !== undefined ? new Date(instance.expiresAt).toISOString() : null,
      };
    }
  });

  router.delete(`${instancesPath}/:tag`, requireScope('deploy'), async (req, res) => {
    const caller = res.locals.caller as Caller;
    const { project, environment } = target(caller, req.params as Record<string, string>);
    const tag = String(req.params.tag);
    if (!(await deployments.removeInstance(project, environment, tag, caller.name))) {
      throw new HttpError('not_found', `environment "${environment}" of project "${project}" has no instance of tag "${tag}"`);
    }
    res.status(202).json({ project, environment, tag, status: 'removing' });
  });

  return router;
}
