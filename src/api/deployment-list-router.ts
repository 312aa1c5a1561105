import { Router } from 'express';
import type { Client } from '@temporalio/client';
import type { BerthConfig } from '../config/schema';
import { deploymentListQuerySchema, type DeploymentListQuery } from './list-schemas';
import { parseBody } from './validate';
import { deployAndPipelineTypes, listPage, quoted } from './visibility';

/** The visibility query for the filters; without a project, only configured projects' deploys. */
export function listQuery(config: BerthConfig, filters: Pick<DeploymentListQuery, 'project' | 'environment' | 'status'>): string {
  const clauses = [
    deployAndPipelineTypes,
    filters.project ? `BerthProject = ${quoted(filters.project)}` : `BerthProject IN (${Object.keys(config.projects).map(quoted).join(', ')})`,
  ];
  if (filters.environment) clauses.push(`BerthEnvironment = ${quoted(filters.environment)}`);
  if (filters.status) clauses.push(`BerthStatus = ${quoted(filters.status)}`);
  return clauses.join(' AND ');
}

/** `GET /v1/deployments`: newest first, paged with Temporal's own page tokens. */
export function deploymentListRouter(config: BerthConfig, client: Client): Router {
  const router = Router();
  router.get('/v1/deployments', async (req, res) => {
    const filters = parseBody(deploymentListQuerySchema, { ...(req.query as Record<string, unknown>) });
    if (!filters.project && Object.keys(config.projects).length === 0) {
      res.json({ deployments: [], nextPageToken: null });
      return;
    }
    const page = await listPage(client, listQuery(config, filters), filters.pageSize, filters.pageToken);
    res.json({ deployments: page.deploys, nextPageToken: page.nextPageToken });
  });
  return router;
}
