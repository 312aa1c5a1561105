import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { workflowBundlePath } from '../support/workflow-bundle';
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

test('a deploy evicted from a full workflow cache while its switch waits to retry runs the switch again, and succeeds', async () => {
  // Two deploys waiting for approval fill the rest of a cache of 3 after the first deploy's switch started.
  // A third deploy's first task then needs a slot: the core evicts the least recently used run, the deploy
  // whose switch backs off after a transient failure, and resolves that waiting step as cancelled.
  const waiting = ['local-evict-c', 'local-evict-d'].map((id, i) => deploySpec({ deploymentId: id, environment: `waiting-${i}`, approval: 'required' }));
  const late = deploySpec({ deploymentId: 'local-evict-b', environment: 'late' });
  const spec = deploySpec({ deploymentId: 'local-evict-a' });
  const switches: string[] = [];
  const world = new FakeWorld().on('switchRoute', async (...args: never[]) => {
    const { deploymentId } = args[0] as { deploymentId: string };
    switches.push(deploymentId);
    if (deploymentId === spec.deploymentId && switches.filter((id) => id === deploymentId).length === 1) {
      for (const other of waiting) await startDeploy(env, other);
      await new Promise((resolve) => setTimeout(resolve, 500));
      setTimeout(() => startDeploy(env, late).catch((error: unknown) => console.error('the late deploy did not start', error)), 50);
      throw new Error('caddy admin API restarting');
    }
  });
  const [record, lateRecord] = await withWorkers(
    env,
    world,
    async () => {
      const first = await finalRecord(await startDeploy(env, spec));
      const second = await finalRecord(env.client.workflow.getHandle(late.deploymentId));
      for (const other of waiting) await env.client.workflow.getHandle(other.deploymentId).terminate('test over');
      return [first, second];
    },
    ['local'],
    ['local'],
    { maxCachedWorkflows: 3 },
  );
  // The evicted run's commands were dropped: the history holds one switch, the one that succeeded after the replay.
  expect((await stepsOf(spec.deploymentId)).local.filter((step) => step.startsWith('switchRoute'))).toEqual(['switchRoute']);
  // And it replays as recorded, as a new worker would after a restart.
  const history = await env.client.workflow.getHandle(spec.deploymentId).fetchHistory();
  await Worker.runReplayHistory({ workflowBundle: { codePath: await workflowBundlePath() } }, history, spec.deploymentId);
  expect(record.status).toBe('succeeded');
  expect(lateRecord.status).toBe('succeeded');
  expect(switches.filter((id) => id === spec.deploymentId).length).toBeGreaterThanOrEqual(2);
  // Nothing was undone: neither deploy compensated.
  expect(world.calls).not.toContain('removeCandidate');
});

test('a cancel of the deploy during a local step still cancels it: the step is not run again', async () => {
  const world = new FakeWorld().hold('switchRoute');
  const spec = deploySpec({ deploymentId: 'local-7' });
  const record = await withWorkers(env, world, async () => {
    const running = world.running('switchRoute');
    const handle = await startDeploy(env, spec);
    await running;
    await handle.cancel();
    return finalRecord(handle);
  });
  expect(record.status).toBe('cancelled');
  expect(record.reason).toBe('cancelled during switch');
  expect(world.calls.filter((call) => call === 'switchRoute')).toHaveLength(1);
  expect(world.calls).toContain('removeCandidate');
});
