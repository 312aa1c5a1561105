import { ReleaseRun } from './release-run';
import type { Candidate, DeployRecord, RollbackSpec } from '../model/types';

/**
 * Rollback as a re-point: start the retained container of the target release
 * (or recreate it from its digest when it was pruned), gate it on health,
 * switch traffic and retire the current release. It compensates like a deploy.
 */
export async function rollbackWorkflow(spec: RollbackSpec): Promise<DeployRecord> {
  const run = new ReleaseRun(spec, 'rollback', spec.targetRelease);
  const { acts, steps, saga } = run;
  // The target is pinned by digest from the start; the record says which.
  run.pinned(spec.image.slice(spec.image.indexOf('@') + 1));
  return run.execute(async () => {
    const previousUpstream = await acts.quick(`read the route of ${spec.hostname}`).readRoute(spec);
    const candidate = await steps.run('prepare', async (): Promise<Candidate> => {
      const retained = await acts.quick(`start retained release ${spec.targetRelease}`).startRetained(spec, spec.targetRelease);
      if (retained) {
        if (!retained.wasRunning) saga.register('stop the retained release again', () => acts.undo(`stop ${retained.candidate.containerName} again`).stopRetained(spec, retained.candidate.containerId));
        return retained.candidate;
      }
      // Pruned: recreate it from its digest, as a new container of the same release.
      const image = await acts.pull(`pull ${spec.image}`).pullImage(spec);
      run.pinned(image.digest);
      run.record.release = spec.deploymentId;
      saga.register('remove the recreated container', () => acts.undo(`remove recreated berth-${spec.deploymentId}`).removeCandidate(spec));
      return acts.quick(`recreate release from ${image.pinnedRef}`).startCandidate(spec, image);
    });
    await run.serve(candidate, previousUpstream);
  });
}
