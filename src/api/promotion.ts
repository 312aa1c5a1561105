import { isOpen, parseDeployWindow } from '../config/deploy-window';
import type { BerthConfig } from '../config/schema';
import { parseImageRef } from '../model/image-ref';
import type { DeploySpec } from '../model/types';
import type { DeploymentService } from './deployment-service';
import { HttpError } from './http-error';

/**
 * `after: staging`: only a digest that succeeded there may deploy here. A tag
 * is resolved to the digest that staging verified, so production runs exactly
 * that artifact even if the tag moved since.
 */
export async function checkPromotion(config: BerthConfig, deployments: DeploymentService, spec: DeploySpec): Promise<DeploySpec> {
  const after = config.projects[spec.project].environments[spec.environment].after;
  if (!after) return spec;
  const requested = parseImageRef(spec.image);
  const succeeded = (await deployments.history(spec.project, after)).filter((entry) => entry.status === 'succeeded' && entry.digest);
  const match = requested.digest
    ? succeeded.find((entry) => entry.digest === requested.digest)
    : succeeded.find((entry) => entry.kind === 'deploy' && entry.image === spec.image);
  if (!match) {
    const what = requested.digest ?? spec.image;
    throw new HttpError('conflict', `${spec.project}/${spec.environment} deploys only what succeeded in ${after}, and ${what} has not; nothing was started`);
  }
  return { ...spec, image: `${requested.repository}@${match.digest}` };
}

/** `outsideWindow: refuse` answers 409 outside the window instead of waiting for it. */
export function checkWindow(config: BerthConfig, spec: DeploySpec): void {
  const environment = config.projects[spec.project].environments[spec.environment];
  if (!environment.window || environment.outsideWindow !== 'refuse') return;
  const window = parseDeployWindow(environment.window.text);
  if (typeof window !== 'string' && !isOpen(window, new Date())) {
    throw new HttpError('conflict', `${spec.project}/${spec.environment} deploys only within "${environment.window.text}"; nothing was started`);
  }
}
