import { ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import { ReleaseRun } from './release-run';
import type { DeployRecord, DeploySpec, DeployStatus } from './types';

/**
 * One deploy: pull, start the candidate beside the current release, wait until
 * healthy, switch the proxy, verify through it, drain and retire the previous
 * release, notify. Every step that changes the world registers its undo before
 * it acts; a failure or cancel runs the undos in reverse, shielded from cancel.
 */
export async function deployWorkflow(spec: DeploySpec): Promise<DeployRecord> {
  const run = new ReleaseRun(spec, 'deploy', spec.deploymentId);
  const { acts, steps, saga } = run;
  // Not awaited: a slow receiver must not hold the deploy back.
  const started = run.announce('started').catch(() => undefined);
  let outcome: DeployStatus = 'succeeded';
  try {
    if (spec.approval === 'required') {
      throw ApplicationFailure.nonRetryable(`${spec.environment} requires approval, which this version of Berth cannot grant`, 'APPROVAL_REQUIRED');
    }
    const image = await steps.run('pull', () => acts.pull.pullImage(spec));
    run.pinned(image.digest);
    saga.register('remove the pulled image', () => acts.undo.removePulledImage(spec, image));
    const previousUpstream = await acts.quick.readRoute(spec);

    // Registered before the start: the container is found by name even if its start was never recorded.
    saga.register('remove the candidate container', () => acts.undo.removeCandidate(spec));
    const candidate = await steps.run('start', () => acts.quick.startCandidate(spec, image));
    await run.serve(candidate, previousUpstream);
  } catch (error) {
    outcome = await CancellationScope.nonCancellable(() => run.fail(error));
  }
  return CancellationScope.nonCancellable(async () => {
    await started;
    return run.finish(outcome);
  });
}
