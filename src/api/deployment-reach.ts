import type { RequestHandler } from 'express';
import type { BerthConfig } from '../config/schema';
import type { Caller } from './auth';
import type { DeploymentService } from './deployment-service';
import { targetOfDeploymentId } from './request-log';
import { deploymentIdPattern } from './schemas';
import { isLimited, requireReach } from './token-reach';

/** The project and environments a deployment id belongs to: from the id when unambiguous, else from its record. */
async function targetOf(config: BerthConfig, deployments: DeploymentService, id: string): Promise<{ project: string; environments: string[] } | undefined> {
  const fromId = targetOfDeploymentId(config, id);
  if (fromId.project && fromId.environment) return { project: fromId.project, environments: [fromId.environment] };
  const record = deploymentIdPattern.test(id) ? await deployments.get(id) : undefined;
  if (!record) return undefined;
  const environments = record.kind === 'pipeline' ? record.stages.map((stage) => stage.environment) : [record.environment];
  return { project: record.project, environments };
}

/**
 * For a limited token, 403 unless the deployment named by `:id` is within its
 * reach. An id that names nothing is left to the route, which answers 404.
 */
export function deploymentReach(config: BerthConfig, deployments: DeploymentService): RequestHandler {
  return async (req, res, next) => {
    const caller = res.locals.caller as Caller;
    if (!isLimited(caller)) return next();
    const target = await targetOf(config, deployments, String(req.params.id));
    if (target) requireReach(caller, target.project, target.environments);
    next();
  };
}
