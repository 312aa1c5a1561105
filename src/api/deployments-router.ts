import { Router } from 'express';
import type { BerthConfig } from '../config/schema';
import { requireScope, type Caller } from './auth';
import { newDeploymentId, type DeploymentService } from './deployment-service';
import { HttpError } from './http-error';
import { deployRequestSchema, deploymentIdPattern } from './schemas';
import { specFor } from './spec-for';
import { parseBody } from './validate';

export function deploymentsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();

  router.post('/v1/deployments', requireScope('deploy'), async (req, res) => {
    const body = parseBody(deployRequestSchema, req.body);
    const caller = res.locals.caller as Caller;
    const spec = specFor(config, body, { deploymentId: newDeploymentId(body.project, body.environment), requestedBy: caller.name });
    if (spec.approval === 'required') {
      throw new HttpError('conflict', `${spec.project}/${spec.environment} requires approval, and approvals are not available yet; nothing was started`);
    }
    await deployments.start(spec, 'deploy');
    res.status(202).location(`/v1/deployments/${spec.deploymentId}`).json({ id: spec.deploymentId, status: 'queued' });
  });

  router.get('/v1/deployments/:id', async (req, res) => {
    const id = String(req.params.id);
    const record = deploymentIdPattern.test(id) ? await deployments.get(id) : undefined;
    if (!record) throw new HttpError('not_found', `deployment "${id}" was not found`);
    res.json(record);
  });

  router.post('/v1/deployments/:id/cancel', requireScope('deploy'), async (req, res) => {
    const id = String(req.params.id);
    const outcome = deploymentIdPattern.test(id) ? await deployments.cancel(id) : 'not_found';
    if (outcome === 'not_found') throw new HttpError('not_found', `deployment "${id}" was not found`);
    if (outcome === 'finished') throw new HttpError('conflict', `deployment "${id}" has already finished; nothing to cancel`);
    res.status(202).json({ id, status: 'cancelling' });
  });

  return router;
}
