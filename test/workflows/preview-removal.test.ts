import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTimeSkipping } from '../support/time-skipping';
import { removeWhileDeploying } from './preview-removal-run';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

test('removing an instance while its deploy runs cancels the deploy and removes the instance only after its compensation', async () => {
  const { world, record, coordinatorId } = await removeWhileDeploying(env, 'pv-wait');

  expect(record).toMatchObject({ status: 'cancelled', reason: 'cancelled during health' });
  // The candidate's undo ran before the removal, so nothing the deploy made can come back after it.
  expect(world.calls.slice(world.calls.indexOf('waitHealthy'))).toEqual(['waitHealthy', 'removeCandidate', 'removePulledImage', 'removePreviewInstance']);
  const history = await env.client.workflow.getHandle(coordinatorId).fetchHistory();
  const cancels = (history.events ?? []).flatMap((event) => event.requestCancelExternalWorkflowExecutionInitiatedEventAttributes?.workflowExecution?.workflowId ?? []);
  expect(cancels).toEqual(['env.web.pv-wait.stage-pv-wait-web-pr-9', 'pv-wait-pr-9']);
  await env.client.workflow.getHandle(coordinatorId).terminate('test over');
});
