import { Context } from '@temporalio/activity';
import { resolveSecret } from '../config/secrets';
import { registryHost } from '../model/image-ref';
import type { DeploySpec, PulledImageInfo } from '../model/types';
import { classify } from './failures';
import type { HostDeps } from './host-deps';

export function createImageActivities(deps: HostDeps) {
  const logFor = (spec: DeploySpec) =>
    deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });

  return {
    /** Pulls the requested image and pins it to its digest; heartbeats pull progress. */
    async pullImage(spec: DeploySpec): Promise<PulledImageInfo> {
      return classify(async () => {
        await deps.faults.before('pull');
        const ctx = Context.current();
        const presentBefore = await deps.docker
          .getImage(spec.image)
          .inspect()
          .then(() => true, () => false);
        const credentials = deps.registries[registryHost(spec.image)];
        const auth = credentials && {
          username: credentials.username,
          password: resolveSecret(credentials.password, deps.env),
          serveraddress: registryHost(spec.image),
        };
        logFor(spec).info({ image: spec.image, presentBefore }, 'pulling image');
        const pulled = await deps.images.pull(spec.image, {
          auth,
          signal: ctx.cancellationSignal,
          onProgress: (progress) => ctx.heartbeat(progress.status),
        });
        logFor(spec).info({ image: spec.image, digest: pulled.digest }, 'pulled image');
        deps.faults.after('pull');
        return { ...pulled, presentBefore };
      });
    },

    /** Undo of a pull: drops what this deploy brought to the host; an image still in use stays. */
    async removePulledImage(spec: DeploySpec, image: PulledImageInfo): Promise<void> {
      if (image.presentBefore) return;
      for (const ref of [spec.image, image.pinnedRef]) {
        await deps.docker
          .getImage(ref)
          .remove()
          .catch((error: { statusCode?: number }) => {
            // 404: already gone; 409: a container or another tag still uses it.
            if (error.statusCode !== 404 && error.statusCode !== 409) throw error;
          });
      }
      logFor(spec).info({ image: spec.image }, 'removed pulled image');
    },
  };
}
