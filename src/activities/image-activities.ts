import { Context } from '@temporalio/activity';
import { resolveSecret } from '../config/secrets';
import { registryHost } from '../docker/image-ref';
import type { DeploySpec, PulledImage } from '../workflows/types';
import { classify } from './failures';
import type { HostDeps } from './host-deps';

export function createImageActivities(deps: HostDeps) {
  return {
    /** Pulls the requested image and pins it to its digest; heartbeats pull progress. */
    async pullImage(spec: DeploySpec): Promise<PulledImage> {
      return classify(async () => {
        const log = deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });
        const credentials = deps.registries[registryHost(spec.image)];
        const auth = credentials && {
          username: credentials.username,
          password: resolveSecret(credentials.password, deps.env),
          serveraddress: registryHost(spec.image),
        };
        log.info({ image: spec.image }, 'pulling image');
        const pulled = await deps.images.pull(spec.image, {
          auth,
          onProgress: (progress) => Context.current().heartbeat(progress.status),
        });
        log.info({ image: spec.image, digest: pulled.digest }, 'pulled image');
        return pulled;
      });
    },
  };
}
