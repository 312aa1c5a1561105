import { Router } from 'express';
import type { BerthConfig } from '../config/schema';
import { deploymentListQuerySchema, type DeploymentListQuery } from './list-schemas';
import type { Caller, TokenReach } from './auth';
import { requireReach } from './token-reach';
import { parseBody } from './validate';
import type { DeploymentService } from './deployment-service';
import { deployAndPipelineTypes, quoted } from './visibility';

/**
 * The visibility query for the filters; without a project, only configured
 * projects' deploys, and of those only what the token reaches.
 */
export function listQuery(config: BerthConfig, filters: Pick<DeploymentListQuery, 'project' | 'environment' | 'status'>, reach: TokenReach = {}): string {
  const projects = Object.keys(config.projects).filter((project) => !reach.projects || reach.projects.includes(project));
  const clauses = [
    deployAndPipelineTypes,
    filters.project ? `BerthProject = ${quoted(filters.project)}` : `BerthProject IN (${projects.map(quoted).join(', ')})`,
  ];
  if (filters.environment) clauses.push(`BerthEnvironment = ${quoted(filters.environment)}`);
  else if (reach.environments) clauses.push(`BerthEnvironment IN (${reach.environments.map(quoted).join(', ')})`);
  if (filters.status) clauses.push(`BerthStatus = ${quoted(filters.status)}`);
  return clauses.join(' AND ');
}

/** `GET /v1/deployments`: newest first, paged with Temporal's own page tokens. */
export function deploymentListRouter(config: BerthConfig, deployments: DeploymentService): Router {
  const router = Router();
  router.get('/v1/deployments', async (req, res) => {
    const filters = parseBody(deploymentListQuerySchema, { ...(req.query as Record<string, unknown>) });
    const caller = res.locals.caller as Caller;
    if (filters.project && caller.projects && !caller.projects.includes(filters.project)) requireReach(caller, filters.project, []);
    if (filters.environment && caller.environments && !caller.environments.includes(filters.environment)) requireReach(caller, filters.project ?? '*', [filters.environment]);
    const visible = Object.keys(config.projects).filter((project) => !caller.projects || caller.projects.includes(project));
    if (!filters.project && visible.length === 0) {
      res.json({ deployments: [], nextPageToken: null });
      return;
    }
    const page = await deployments.list(listQuery(config, filters, caller), filters.pageSize, filters.pageToken);
    res.json({ deployments: page.deploys, nextPageToken: page.nextPageToken });
  });
  return router;
}
