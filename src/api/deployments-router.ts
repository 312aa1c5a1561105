import { Router } from 'express';
import { buildDeploySpec, ImageMismatchError, UnknownTargetError } from '../config/deploy-spec';
import type { BerthConfig } from '../config/schema';
import { PermanentError } from '../errors';
import { requireScope, type Caller } from './auth';
import type { DeploymentService } from './deployment-service';
import { newDeploymentId } from './deployment-service';
import { HttpError } from './http-error';
import { deployRequestSchema, deploymentIdPattern } from './schemas';
import { parseBody } from './validate';

export function deploymentsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();

  router.post('/v1/deployments', requireScope('deploy'), async (req, res) => {
    const body = parseBody(deployRequestSchema, req.body);
    const caller = res.locals.caller as Caller;
    let spec;
    try {
      spec = buildDeploySpec(config, body, { deploymentId: newDeploymentId(body.project, body.environment), requestedBy: caller.name });
    } catch (error) {
      if (error instanceof UnknownTargetError) throw new HttpError('not_found', error.message);
      if (error instanceof ImageMismatchError) throw new HttpError('invalid_request', error.message);
      if (error instanceof PermanentError) throw new HttpError('invalid_request', `image: ${error.message}`);
      throw error;
    }
    if (spec.approval === 'required') {
      throw new HttpError('conflict', `${spec.project}/${spec.environment} requires approval, and approvals are not available yet; nothing was started`);
    }
    await deployments.start(spec);
    res.status(202).location(`/v1/deployments/${spec.deploymentId}`).json({ id: spec.deploymentId, status: 'queued' });
  });

  router.get('/v1/deployments/:id', async (req, res) => {
    const id = req.params.id;
    const record = deploymentIdPattern.test(id) ? await deployments.get(id) : undefined;
    if (!record) throw new HttpError('not_found', `deployment "${id}" was not found`);
    res.json(record);
  });

  return router;
}
