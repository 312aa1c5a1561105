import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { runningRecord } from '../../src/api/owned-record';
import { enqueueWithOwner, readOwner } from '../../src/temporal/owner-client';
import { ownerWorkflowId } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, taskQueue, withWorkers } from './fake-world';
import { deploySpec, ownerSettings } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

/**
 * Between the owner taking a deploy out of its queue and the deploy's own
 * workflow starting, `GET /v1/deployments/:id` reads the deploy from the
 * owner's state; the owner keeps the request it runs there until the deploy ends.
 */
test('the owner keeps the request it runs, and forgets it when the deploy ends', async () => {
  const world = new FakeWorld();
  const open = world.gate('pullImage');
  const pulling = world.running('pullImage');
  const settings = ownerSettings({ environment: 'running-request' });
  const spec = deploySpec({ deploymentId: 'web-running-request-1', environment: settings.environment });
  await withWorkers(env, world, async () => {
    await enqueueWithOwner(env.client, taskQueue, { kind: 'deploy', spec, settings });
    await pulling;
    const owner = await readOwner(env.client, 'web', settings.environment);
    expect(owner?.running).toBe(spec.deploymentId);
    expect(owner?.runningRequest?.spec).toEqual(spec);
    expect(runningRecord(owner!, spec.deploymentId)).toMatchObject({ id: spec.deploymentId, kind: 'deploy', project: 'web', environment: settings.environment, image: spec.image, status: 'queued' });

    open();
    await env.client.workflow.getHandle(spec.deploymentId).result();
    const after = await eventually(async () => {
      const state = (await readOwner(env.client, 'web', settings.environment))!;
      expect(state.running).toBeUndefined();
      return state;
    });
    expect(after.runningRequest).toBeUndefined();
    expect(after.history.map((entry) => [entry.deploymentId, entry.status])).toEqual([[spec.deploymentId, 'succeeded']]);
  });
  await env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment)).terminate('test over');
});
