import { buildDeploySpec, ImageMismatchError, UnknownTargetError, type DeployTarget } from '../config/deploy-spec';
import type { BerthConfig } from '../config/schema';
import { PermanentError } from '../model/errors';
import type { DeploySpec } from '../model/types';
import { HttpError } from './http-error';

/** buildDeploySpec with its errors as API answers: unknown targets 404, bad images 400. */
export function specFor(config: BerthConfig, target: DeployTarget, meta: { deploymentId: string; requestedBy: string }): DeploySpec {
  try {
    return buildDeploySpec(config, target, meta);
  } catch (error) {
    if (error instanceof UnknownTargetError) throw new HttpError('not_found', error.message);
    if (error instanceof ImageMismatchError) throw new HttpError('invalid_request', error.message);
    if (error instanceof PermanentError) throw new HttpError('invalid_request', `image: ${error.message}`);
    throw error;
  }
}
