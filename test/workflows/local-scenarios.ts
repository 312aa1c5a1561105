import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { FakeWorld, withWorkers } from './fake-world';
import { finalRecord, startDeploy, startRollback } from './deploy-runs';
import { deploySpec, rollbackSpec } from './specs';
import type { Scenario } from './scenarios';

/**
 * Deploys and rollbacks whose quick steps run as local activities in the
 * workflow worker, and one whose workflow worker does not serve the host, so
 * those steps go to the host's queue after one `HostNotLocal` answer.
 */
export const localStepScenarios: Scenario[] = [
  {
    name: 'deploy runs its quick steps as local activities',
    run: async (env) => {
      const spec = deploySpec({ deploymentId: 'rec-local-steps' });
      await withWorkers(env, new FakeWorld(), async () => finalRecord(await startDeploy(env, spec)));
      return [{ file: 'deployWorkflow/local-steps', workflowId: spec.deploymentId }];
    },
  },
  {
    name: 'deploy on a host another process serves: its quick steps go to the host queue',
    run: (env) => deployElsewhere(env, 'rec-local-steps-elsewhere').then((workflowId) => [{ file: 'deployWorkflow/local-steps-elsewhere', workflowId }]),
  },
  {
    name: 'rollback runs its quick steps as local activities',
    run: async (env) => {
      const spec = rollbackSpec({ deploymentId: 'rec-rollback-local-steps' });
      await withWorkers(env, new FakeWorld(), async () => finalRecord(await startRollback(env, spec)));
      return [{ file: 'rollbackWorkflow/local-steps', workflowId: spec.deploymentId }];
    },
  },
];

/** The workflow worker serves no host; the host `local` has its own worker, as with `berth worker --host local`. */
export async function deployElsewhere(env: TestWorkflowEnvironment, deploymentId: string, world = new FakeWorld()): Promise<string> {
  const spec = deploySpec({ deploymentId });
  await withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)), ['local'], []);
  return deploymentId;
}
