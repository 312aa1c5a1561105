import { Context } from '@temporalio/activity';
import { PullTally } from '../docker/pull-tally';
import { registryHost } from '../model/image-ref';
import type { DeploySpec, PulledImageInfo } from '../model/types';
import { classify } from './failures';
import { presentImage } from './present-image';
import type { HostDeps } from './host-deps';
import { registryLogin } from './registry-login';

export function createImageActivities(deps: HostDeps) {
  const logFor = (spec: DeploySpec) =>
    deps.log.child({ deploymentId: spec.deploymentId, project: spec.project, environment: spec.environment });

  return {
    /**
     * Pulls the requested image and pins it to its digest; heartbeats pull
     * progress and returns a few lines of it. An image the host has by that
     * digest already is pinned without a pull, and its undo removes nothing.
     */
    async pullImage(spec: DeploySpec): Promise<PulledImageInfo> {
      return classify(async () => {
        await deps.faults.before('pull');
        const ctx = Context.current();
        const present = await presentImage(deps, spec.image);
        if (present) {
          logFor(spec).info({ image: spec.image, digest: present.digest }, 'image present by digest; not pulled');
          deps.faults.after('pull');
          return { ...present, presentBefore: true, progress: [`${present.digest.slice(0, 19)} already on the host; not pulled`] };
        }
        const presentBefore = await deps.images.idOf(spec.image).then((id) => id !== undefined, () => false);
        const login = registryLogin(deps.registries, registryHost(spec.image), deps.env);
        const auth = login && { ...login, serveraddress: registryHost(spec.image) };
        logFor(spec).info({ image: spec.image, presentBefore }, 'pulling image');
        const tally = new PullTally();
        const progress: string[] = [];
        const pulled = await deps.images.pull(spec.image, {
          auth,
          signal: ctx.cancellationSignal,
          onProgress: (event) => {
            const line = tally.update(event);
            if (line) progress.push(line);
            ctx.heartbeat(line ?? event.status);
          },
        });
        progress.push(tally.summary());
        logFor(spec).info({ image: spec.image, digest: pulled.digest, progress: progress.at(-1) }, 'pulled image');
        deps.faults.after('pull');
        return { ...pulled, presentBefore, progress };
      });
    },

    /** Undo of a pull: drops what this deploy brought to the host; an image still in use stays. */
    async removePulledImage(spec: DeploySpec, image: PulledImageInfo): Promise<void> {
      if (image.presentBefore) return;
      for (const ref of [spec.image, image.pinnedRef]) await deps.images.remove(ref);
      logFor(spec).info({ image: spec.image }, 'removed pulled image');
    },
  };
}
