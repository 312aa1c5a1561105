import { Router } from 'express';
import type { BerthConfig } from '../config/schema';
import { requireScope, type Caller } from './auth';
import { newDeploymentId, type DeploymentService } from './deployment-service';
import { deploymentReach } from './deployment-reach';
import { HttpError } from './http-error';
import { startPipeline } from './pipelines';
import { startPreviewDeploy } from './preview-deploy';
import { checkPromotion, checkWindow } from './promotion';
import { decisionRequestSchema, deployRequestSchema, deploymentIdPattern } from './schemas';
import { specFor } from './spec-for';
import { requireReach } from './token-reach';
import { parseBody } from './validate';

export function deploymentsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();
  const reach = deploymentReach(config, deployments);

  router.post('/v1/deployments', requireScope('deploy'), async (req, res) => {
    const body = parseBody(deployRequestSchema, req.body);
    const caller = res.locals.caller as Caller;
    requireReach(caller, body.project, body.environments ?? [body.environment!]);
    if (body.environment && config.projects[body.project]?.environments[body.environment]?.previews) {
      if (body.tag === undefined) throw new HttpError('invalid_request', 'tag: an environment with previews deploys tags, each as its own instance; give "tag"');
      const started = await startPreviewDeploy(config, deployments, { ...body, environment: body.environment, tag: body.tag }, caller.name);
      res.status(202).location(`/v1/deployments/${started.id}`).json(started);
      return;
    }
    const previewStage = body.environments?.find((environment) => config.projects[body.project]?.environments[environment]?.previews);
    if (previewStage) throw new HttpError('invalid_request', `environments: "${previewStage}" has previews; deploy a tag to it on its own`);
    if (body.tag?.includes('/')) throw new HttpError('invalid_request', 'tag: should be a Docker tag (letters, digits, _ . -); a "/" only for an environment with previews');
    if (body.environments) {
      const started = await startPipeline(config, deployments, { ...body, environments: body.environments }, caller.name);
      res.status(202).location(`/v1/deployments/${started.id}`).json(started);
      return;
    }
    const environment = body.environment!;
    const spec = specFor(config, { ...body, environment }, { deploymentId: newDeploymentId(body.project, environment), requestedBy: caller.name });
    const checked = await checkPromotion(config, deployments, spec);
    checkWindow(config, spec);
    const answer = await deployments.start(checked, 'deploy', idempotencyKeyOf(body, environment));
    res.status(202).location(`/v1/deployments/${answer.deploymentId}`).json({ id: answer.deploymentId, status: 'queued', position: answer.position, ...(answer.duplicate && { duplicate: true }) });
  });

  router.get('/v1/deployments/:id', reach, async (req, res) => {
    const id = String(req.params.id);
    const record = deploymentIdPattern.test(id) ? await deployments.get(id) : undefined;
    if (!record) throw new HttpError('not_found', `deployment "${id}" was not found`);
    res.json(record);
  });

  for (const decision of ['approve', 'reject'] as const) {
    router.post(`/v1/deployments/:id/${decision}`, requireScope('approve'), reach, async (req, res) => {
      const id = String(req.params.id);
      const body = parseBody(decisionRequestSchema, req.body);
      const caller = res.locals.caller as Caller;
      const result = deploymentIdPattern.test(id)
        ? await deployments.decide(id, { decision, by: caller.name, ...(body.comment !== undefined && { comment: body.comment }) })
        : { outcome: 'not_found' as const };
      if (result.outcome === 'refused') throw new HttpError('conflict', result.message);
      if (result.outcome !== 'decided') {
        throw result.outcome === 'not_found'
          ? new HttpError('not_found', `deployment "${id}" was not found`)
          : new HttpError('conflict', `deployment "${id}" has finished; it is not waiting for approval`);
      }
      res.json({ id, approval: result.approval });
    });
  }

  router.post('/v1/deployments/:id/cancel', requireScope('deploy'), reach, async (req, res) => {
    const id = String(req.params.id);
    const caller = res.locals.caller as Caller;
    const outcome = deploymentIdPattern.test(id) ? await deployments.cancel(id, caller.name) : 'not_found';
    if (outcome === 'not_found') throw new HttpError('not_found', `deployment "${id}" was not found`);
    if (outcome === 'finished') throw new HttpError('conflict', `deployment "${id}" has already finished; nothing to cancel`);
    // A queued deploy leaves the queue at once and never runs; a running one compensates first.
    res.status(202).json(outcome === 'cancelled' ? { id, status: 'cancelled', reason: 'cancelled while queued' } : { id, status: 'cancelling' });
  });

  return router;
}

/** The caller's key, or one derived from what is deployed when a commit names it. */
function idempotencyKeyOf(body: { project: string; tag?: string; image?: string; commit?: string; idempotencyKey?: string }, environment: string): string | undefined {
  if (body.idempotencyKey) return body.idempotencyKey;
  return body.commit ? `${body.project}/${environment}/${body.image ?? body.tag}/${body.commit}` : undefined;
}
