import { proxyFor, type BerthConfig, type EnvironmentConfig } from '../config/schema';
import { dnsSafe, previewName } from '../config/preview-name';
import type { PreviewSettings } from '../model/preview-types';
import type { DeploySpec, DeployTrigger, PreviewTarget } from '../model/types';
import { newDeploymentId, type DeploymentService } from './deployment-service';
import { HttpError } from './http-error';
import { checkWindow } from './promotion';
import { specFor } from './spec-for';

/** The environment's `previews`, or 404 when it has none. */
export function previewsOf(config: BerthConfig, project: string, environment: string): NonNullable<EnvironmentConfig['previews']> {
  const previews = config.projects[project]?.environments[environment]?.previews;
  if (!previews) throw new HttpError('not_found', `environment "${environment}" of project "${project}" has no previews`);
  return previews;
}

/** Pure: where a tag's instance lives. A branch name's `/` becomes `-` in the image tag, as CI's image tags have it. */
export function previewTargetFor(config: BerthConfig, project: string, environment: string, tag: string): PreviewTarget & { hostname: string; imageTag: string } {
  const previews = previewsOf(config, project, environment);
  const env = config.projects[project].environments[environment];
  if (dnsSafe(tag) === '') throw new HttpError('invalid_request', `tag: "${tag}" has no letter or digit to name a preview instance with`);
  const instance = previewName(previews.name, { stage: environment, project, tag });
  const hostname = `${instance}.${previews.domain}`;
  const { port } = proxyFor(config, env.host).listen;
  return { instance, tag, hostname, url: `http://${hostname}${port === 80 ? '' : `:${port}`}`, defaultHostname: env.hostname, imageTag: tag.replace(/\//g, '-') };
}

export function previewSettings(config: BerthConfig, project: string, environment: string): PreviewSettings {
  const env = config.projects[project].environments[environment];
  const previews = previewsOf(config, project, environment);
  return {
    project,
    environment,
    host: env.host,
    defaultHostname: env.hostname,
    ...(previews.maxInstances !== undefined && { maxInstances: previews.maxInstances }),
    ...(previews.ttl !== undefined && { ttlMs: previews.ttl }),
  };
}

export interface PreviewDeployBody {
  project: string;
  environment: string;
  tag: string;
  commit?: string;
  commitTime?: string;
  idempotencyKey?: string;
  /** Instead of the tag's image: a push pinned by digest (`autoDeploy`). */
  image?: string;
  trigger?: DeployTrigger;
}

/**
 * A tag deployed to an environment with `previews`: the coordinator records
 * it (or refuses a name another tag holds, 409), then the instance's own
 * owner runs the deploy like any other.
 */
export async function startPreviewDeploy(config: BerthConfig, deployments: DeploymentService, body: PreviewDeployBody, requestedBy: string) {
  const { project, environment, tag } = body;
  const target = previewTargetFor(config, project, environment, tag);
  const { imageTag, hostname, ...preview } = target;
  const image = body.image !== undefined ? { image: body.image } : { tag: imageTag };
  const base = specFor(config, { project, environment, ...image, commit: body.commit, commitTime: body.commitTime }, { deploymentId: newDeploymentId(project, environment), requestedBy });
  const spec: DeploySpec = { ...base, hostname, ...(body.trigger && { trigger: body.trigger }), preview: { instance: preview.instance, tag, url: preview.url, defaultHostname: preview.defaultHostname } };
  checkWindow(config, spec);
  const registered = await deployments.registerInstance({
    settings: { ...previewSettings(config, project, environment), probe: { path: spec.health.readyPath ?? spec.health.path, timeoutMs: spec.health.timeoutMs } },
    instance: { tag, instance: preview.instance, hostname, url: preview.url, image: spec.image, deploymentId: spec.deploymentId, requestedBy, deployedAt: 0 },
  });
  if (!registered.ok) {
    throw new HttpError(
      'conflict',
      registered.conflictWith === tag
        ? `tag: the instance of "${tag}" is being removed; deploy it again once it is gone`
        : `tag: "${tag}" would share the instance name "${preview.instance}" with tag "${registered.conflictWith}", which already holds it`,
    );
  }
  const key = body.idempotencyKey ?? (body.commit ? `${project}/${environment}/${tag}/${body.commit}` : undefined);
  const answer = await deployments.start(spec, 'deploy', key);
  return { id: answer.deploymentId, status: 'queued' as const, position: answer.position, instance: preview.instance, url: preview.url, ...(answer.duplicate && { duplicate: true }) };
}
