import { ownerSettings } from '../config/owner-settings';
import type { BerthConfig } from '../config/schema';
import type { DeploymentService } from './deployment-service';
import { newDeploymentId } from './deployment-service';
import { HttpError } from './http-error';
import { checkPromotion, checkWindow } from './promotion';
import type { DeployRequest } from './schemas';
import { specFor } from './spec-for';

/**
 * `"environments": ["staging", "production"]`: one durable pipeline whose
 * stages are child deploys of the same digest. An `after:` constraint met by an
 * earlier stage of the same pipeline needs no earlier success.
 */
export async function startPipeline(
  config: BerthConfig,
  deployments: DeploymentService,
  body: DeployRequest & { environments: string[] },
  requestedBy: string,
): Promise<{ id: string; status: 'queued'; stages: string[] }> {
  const { project, environments } = body;
  if (new Set(environments).size !== environments.length) throw new HttpError('invalid_request', 'environments: should not repeat an environment');
  const stages = environments.map((environment) =>
    specFor(config, { ...body, environment }, { deploymentId: newDeploymentId(project, environment), requestedBy }),
  );
  for (const [index, stage] of stages.entries()) {
    const after = config.projects[project].environments[stage.environment].after;
    if (after && !environments.slice(0, index).includes(after)) stages[index] = await checkPromotion(config, deployments, stage);
    checkWindow(config, stage);
  }
  const pipelineId = newDeploymentId(project, 'pipeline');
  const settings = stages.map((stage) => ownerSettings(config, project, stage.environment));
  await deployments.startPipeline({ pipelineId, project, requestedBy, repository: config.projects[project].image, stages, settings });
  return { id: pipelineId, status: 'queued', stages: stages.map((stage) => stage.deploymentId) };
}
