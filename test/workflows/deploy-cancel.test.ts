import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { statusQuery } from '../../src/workflows/definitions';
import type { StepName } from '../../src/model/types';
import { eventually } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, withWorkers, type ActName } from './fake-world';
import { finalRecord, startDeploy } from './deploy-runs';
import { deploySpec, migrations } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

async function stepRunning(handle: WorkflowHandle, step: StepName): Promise<void> {
  await eventually(async () => {
    const record = await handle.query(statusQuery);
    expect(record.steps.find((s) => s.name === step)?.status).toBe('running');
  });
}

// A cancel while each step runs: the step is cancelled, and what was done before it is undone, newest first.
const cancels: Array<[ActName, StepName, ActName[]]> = [
  ['pullImage', 'pull', []],
  ['preflightDatabase', 'preflight', ['removePulledImage']],
  ['migrate', 'migrate', ['removePulledImage']],
  ['startCandidate', 'start', ['migrateDown', 'removeCandidate', 'removePulledImage']],
  ['waitHealthy', 'health', ['migrateDown', 'removeCandidate', 'removePulledImage']],
  ['switchRoute', 'switch', ['migrateDown', 'restoreRoute', 'removeCandidate', 'removePulledImage']],
  ['monitorThroughProxy', 'monitor', ['migrateDown', 'restoreRoute', 'removeCandidate', 'removePulledImage']],
];

test.each(cancels)('cancelled during %s: the undos run and the deploy is cancelled', async (activity, step, undos) => {
  const world = new FakeWorld().hold(activity);
  const running = world.running(activity);
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: `cancel-${step}`, migrations }));
    await running;
    await handle.cancel();
    return finalRecord(handle);
  });
  expect(record).toMatchObject({ status: 'cancelled', reason: `cancelled during ${step}` });
  expect(record.steps.find((s) => s.name === step)?.status).toBe('cancelled');
  expect(world.calls.slice(world.calls.indexOf(activity) + 1)).toEqual(undos);
  expect(world.eventNames()).toEqual(['started', 'cancelled']);
});

test('cancelled while waiting for approval: nothing visible changed, the pulled image goes', async () => {
  const world = new FakeWorld();
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'cancel-approval', approval: 'required', migrations }));
    await stepRunning(handle, 'approval');
    await handle.cancel();
    return finalRecord(handle);
  });
  expect(record).toMatchObject({ status: 'cancelled', reason: 'cancelled during approval' });
  expect(world.calls).toEqual(['pullImage', 'preflightDatabase', 'describeCurrent', 'removePulledImage']);
});

test('cancelled while waiting for the deploy window', async () => {
  const world = new FakeWorld().on('msUntilWindowOpens', async () => 6 * 3600_000);
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'cancel-window', window: 'Mon-Fri 09:00-17:00 UTC' }));
    await stepRunning(handle, 'window');
    await handle.cancel();
    return finalRecord(handle);
  });
  expect(record).toMatchObject({ status: 'cancelled', reason: 'cancelled during window' });
  expect(world.calls).toEqual(['pullImage', 'removePulledImage']);
});

test('a cancel during the drain is too late: the verified release stands and the old one retires', async () => {
  const world = new FakeWorld();
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'cancel-drain' }));
    await stepRunning(handle, 'drain');
    await handle.cancel();
    return finalRecord(handle);
  });
  expect(record.status).toBe('succeeded');
  expect(world.calls.slice(-2)).toEqual(['monitorThroughProxy', 'retireReleases']);
});

test("a cancel while the start is being announced does not reach the announcement: every receiver hears 'started', then 'cancelled'", async () => {
  const world = new FakeWorld().hold('pullImage');
  const pulling = world.running('pullImage');
  const delivering = world.running('notifyReceiver');
  const deliver = world.gate('notifyReceiver');
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'cancel-announce' }));
    await Promise.all([pulling, delivering]);
    await handle.cancel();
    await eventually(async () => expect((await handle.query(statusQuery)).steps.find((s) => s.name === 'pull')?.status).toBe('cancelled'));
    deliver();
    return finalRecord(handle);
  });
  expect(record).toMatchObject({ status: 'cancelled', reason: 'cancelled during pull' });
  expect(world.eventNames()).toEqual(['started', 'cancelled']);
  expect(record.events.filter((line) => line.message.includes('not delivered'))).toEqual([]);
});
