import { Router } from 'express';
import { z } from 'zod';
import type { BerthConfig } from '../config/schema';
import { requireScope, type Caller } from './auth';
import { newDeploymentId, type DeploymentService } from './deployment-service';
import { currentRelease, releaseView, rollbackTarget, summaryFromOwner } from './environment-history';
import { HttpError } from './http-error';
import type { OwnerState } from '../model/owner-types';
import type { DeploySummary } from './visibility';
import { settingsView } from './settings-view';
import { specFor } from './spec-for';
import { requireReach } from './token-reach';
import { parseBody } from './validate';

export const rollbackRequestSchema = z.strictObject({ release: z.string().min(1).max(128).optional() });
export const reconcileRequestSchema = z.strictObject({ paused: z.boolean() });

export function environmentsRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();

  /** 404 unless the project and environment are configured. */
  function target(caller: Caller, project: string, environment: string) {
    requireReach(caller, project, [environment]);
    const projectConfig = config.projects[project];
    if (!projectConfig) throw new HttpError('not_found', `project "${project}" is not configured`);
    const environmentConfig = projectConfig.environments[environment];
    if (!environmentConfig) throw new HttpError('not_found', `environment "${environment}" is not configured for project "${project}"`);
    return { projectConfig, environmentConfig };
  }

  /** The owner's history when the environment has one, else what visibility holds. */
  async function historyOf(owner: OwnerState | undefined, project: string, environment: string): Promise<DeploySummary[]> {
    return owner ? owner.history.map((entry) => summaryFromOwner(project, environment, entry)) : deployments.history(project, environment);
  }

  router.get('/v1/projects/:project/environments/:environment', async (req, res) => {
    const { project, environment } = req.params as { project: string; environment: string };
    const { environmentConfig } = target(res.locals.caller as Caller, project, environment);
    const owner = await deployments.owner(project, environment);
    const history = await historyOf(owner, project, environment);
    const current = currentRelease(history);
    res.json({
      project,
      environment,
      hostname: environmentConfig.hostname,
      settings: settingsView(environmentConfig),
      current: current ? releaseView(current) : null,
      running: owner?.running ?? null,
      queue: owner?.queue.map((request, index) => ({ deploymentId: request.spec.deploymentId, position: index + 1, image: request.spec.image, requestedBy: request.spec.requestedBy })) ?? [],
      reconcile: { paused: owner?.paused ?? false, reason: owner?.pausedReason ?? null, last: owner?.lastReconcile ?? null },
      history: history.map(releaseView),
    });
  });

  router.post('/v1/projects/:project/environments/:environment/reconcile', requireScope('deploy'), async (req, res) => {
    const { project, environment } = req.params as { project: string; environment: string };
    target(res.locals.caller as Caller, project, environment);
    const { paused } = parseBody(reconcileRequestSchema, req.body);
    const caller = res.locals.caller as Caller;
    if (!(await deployments.pause(project, environment, paused, caller.name))) {
      throw new HttpError('conflict', `${project}/${environment} has had no deploy yet; there is nothing to reconcile`);
    }
    res.json({ project, environment, paused });
  });

  router.post('/v1/projects/:project/environments/:environment/rollback', requireScope('rollback'), async (req, res) => {
    const { project, environment } = req.params as { project: string; environment: string };
    const { projectConfig, environmentConfig } = target(res.locals.caller as Caller, project, environment);
    const body = parseBody(rollbackRequestSchema, req.body);
    if (environmentConfig.previews) throw new HttpError('conflict', `${project}/${environment} has previews: deploy the tag again to bring an instance back`);
    const owner = await deployments.owner(project, environment);
    const history = await historyOf(owner, project, environment);
    if (owner?.running || owner?.queue.length || history.some((entry) => entry.status === 'running' || entry.status === 'queued')) {
      throw new HttpError('conflict', `a deploy of ${project}/${environment} is running; wait for it or cancel it first`);
    }
    const current = currentRelease(history);
    if (body.release !== undefined && body.release === current?.release) {
      throw new HttpError('conflict', `release "${body.release}" is already serving ${project}/${environment}`);
    }
    const chosen = rollbackTarget(history, body.release);
    if (!chosen?.digest) {
      throw body.release === undefined
        ? new HttpError('conflict', `${project}/${environment} has no previous release to roll back to`)
        : new HttpError('not_found', `release "${body.release}" is not a successful release of ${project}/${environment}`);
    }
    const caller = res.locals.caller as Caller;
    const spec = specFor(
      config,
      { project, environment, image: `${projectConfig.image}@${chosen.digest}`, commit: chosen.commit },
      { deploymentId: newDeploymentId(project, environment), requestedBy: caller.name },
    );
    const deployedAs = chosen.image && !chosen.image.includes('@') ? { deployedAs: chosen.image } : {};
    await deployments.start({ ...spec, ...deployedAs, targetRelease: chosen.release }, 'rollback');
    res.status(202).location(`/v1/deployments/${spec.deploymentId}`).json({ id: spec.deploymentId, status: 'queued', release: chosen.release });
  });

  return router;
}
