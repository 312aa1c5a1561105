import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { enqueueWithOwner } from '../../src/temporal/owner-client';
import { containerEventSignal, ownerWorkflowId } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, taskQueue, withWorkers } from './fake-world';
import { deploySpec, ownerSettings } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

test('an instance owner names the instance (tag and URL) in its drift notifications, as its deploys do', async () => {
  const environment = 'pv-drift';
  const instance = `stage-${environment}-web-pr-3`;
  const url = `http://${instance}.preview.localhost`;
  const spec = deploySpec({ deploymentId: `${environment}-pr-3`, environment, hostname: `${instance}.preview.localhost`, preview: { instance, tag: 'pr-3', url, defaultHostname: `stage-${environment}-web.preview.localhost` } });
  const world = new FakeWorld().on('reconcileEnvironment', async () => ({ healed: [`restarted berth-${spec.deploymentId}`], problems: [], upstream: '127.0.0.1:21001' }));
  await withWorkers(env, world, async () => {
    await enqueueWithOwner(env.client, taskQueue, { kind: 'deploy', spec, settings: ownerSettings({ environment, instance, maxHeals: 1 }) });
    await eventually(() => env.client.workflow.getHandle(spec.deploymentId).describe());
    await env.client.workflow.getHandle(spec.deploymentId).result();
    // Docker said the instance's container died, twice: one heal, then the cap (1) stops healing and alerts.
    const owner = env.client.workflow.getHandle(ownerWorkflowId('web', environment, instance));
    for (const name of ['drift_healed', 'drift_alert']) {
      await owner.signal(containerEventSignal, { resync: true, events: [] });
      await eventually(() => world.eventNames().includes(name), { what: name });
    }
  });
  const drift = world.events.filter((event) => event.event.startsWith('drift'));
  expect(drift.map((event) => [event.event, event.tag, event.url])).toEqual([
    ['drift_healed', 'pr-3', url],
    ['drift_alert', 'pr-3', url],
  ]);
  expect(world.events.find((event) => event.event === 'succeeded')?.url).toBe(url);
  await env.client.workflow.getHandle(ownerWorkflowId('web', environment, instance)).terminate('test over');
});
