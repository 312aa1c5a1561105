import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { hostTaskQueue } from '../../src/model/task-queues';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, withWorkers } from './fake-world';
import { finalRecord, startDeploy } from './deploy-runs';
import { deployElsewhere } from './local-scenarios';
import { deploySpec } from './specs';
import { stepsIn, type Steps } from '../support/history-steps';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

/** What the deploy's history says about how its activities ran. */
async function stepsOf(workflowId: string): Promise<Steps> {
  return stepsIn((await env.client.workflow.getHandle(workflowId).fetchHistory()).events ?? []);
}

const host = hostTaskQueue('local');

test('a deploy on a host this process serves runs its quick steps as local activities, the long ones on the host queue', async () => {
  const world = new FakeWorld();
  const spec = deploySpec({ deploymentId: 'local-1' });
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
  expect(record.status).toBe('succeeded');
  expect(world.calls).toEqual(['pullImage', 'readRoute', 'startCandidate', 'waitHealthy', 'promoteCandidate', 'switchRoute', 'monitorThroughProxy', 'retireReleases']);
  const steps = await stepsOf(spec.deploymentId);
  // Promotion runs beside the switch: their markers may come in either order.
  expect(steps.local.slice(0, 2)).toEqual(['readRoute', 'startCandidate']);
  expect(steps.local.slice(2).sort()).toEqual(['promoteCandidate', 'switchRoute']);
  expect(steps.scheduled.filter((s) => s.endsWith(host))).toEqual([`pullImage@${host}`, `waitHealthy@${host}`, `monitorThroughProxy@${host}`, `retireReleases@${host}`]);
});

test('a deploy whose workflow worker does not serve the host hears HostNotLocal once, then runs every step on the host queue', async () => {
  const world = new FakeWorld();
  const id = await deployElsewhere(env, 'local-2', world);
  // Promotion and the switch are scheduled together; the host's worker may run them in either order.
  expect([...world.calls].sort()).toEqual(['monitorThroughProxy', 'promoteCandidate', 'pullImage', 'readRoute', 'retireReleases', 'startCandidate', 'switchRoute', 'waitHealthy']);
  const steps = await stepsOf(id);
  expect(steps.local).toEqual(['readRoute failed']);
  expect(steps.scheduled.filter((s) => s.endsWith(host))).toEqual(
    ['pullImage', 'readRoute', 'startCandidate', 'waitHealthy', 'promoteCandidate', 'switchRoute', 'monitorThroughProxy', 'retireReleases'].map((type) => `${type}@${host}`),
  );
});

test('a local step that fails for good fails its step and compensates as before', async () => {
  const world = new FakeWorld().fail('switchRoute', 'caddy refused the route');
  const spec = deploySpec({ deploymentId: 'local-3' });
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
  expect(record.status).toBe('failed');
  expect(record.failedStep).toBe('switch');
  expect(record.reason).toContain('caddy refused the route');
  expect(world.calls.slice(-4)).toEqual(['switchRoute', 'restoreRoute', 'removeCandidate', 'removePulledImage']);
  expect((await stepsOf(spec.deploymentId)).local.slice(2).sort()).toEqual(['promoteCandidate', 'switchRoute failed']);
});

test('a promotion that fails beside a switch that succeeded puts the route back once the switch has settled', async () => {
  const world = new FakeWorld().fail('promoteCandidate', 'docker update refused');
  const spec = deploySpec({ deploymentId: 'local-5' });
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
  // Traffic had moved: the deploy is rolled back, not merely failed.
  expect(record.status).toBe('rolled_back');
  expect(record.reason).toContain('docker update refused');
  expect(world.calls.slice(-4)).toEqual(['switchRoute', 'restoreRoute', 'removeCandidate', 'removePulledImage']);
});

test('a local step retries a transient failure and the deploy succeeds', async () => {
  let attempts = 0;
  const world = new FakeWorld().on('readRoute', async () => {
    attempts += 1;
    if (attempts < 3) throw new Error('caddy admin API briefly away');
    return '127.0.0.1:21000';
  });
  const spec = deploySpec({ deploymentId: 'local-4' });
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
  expect(record.status).toBe('succeeded');
  expect(attempts).toBe(3);
});
