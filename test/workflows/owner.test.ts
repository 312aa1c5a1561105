import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { enqueueWithOwner, readOwner } from '../../src/temporal/owner-client';
import { ownerWorkflowId } from '../../src/workflows/definitions';
import type { OwnerSettings, OwnerState } from '../../src/model/owner-types';
import { eventually, present } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, taskQueue, withWorkers } from './fake-world';
import { releaseOrphanedChildLock } from './orphan-lock';
import { deploySpec, ownerSettings } from './specs';
import { stepsIn } from '../support/history-steps';
import { hostTaskQueue } from '../../src/model/task-queues';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

function request(settings: OwnerSettings, id: string, idempotencyKey?: string) {
  const spec = deploySpec({ deploymentId: id, environment: settings.environment, image: `127.0.0.1:5000/web:${id}` });
  return enqueueWithOwner(env.client, taskQueue, { kind: 'deploy', spec, settings, idempotencyKey });
}

/** Waits on a deploy's end (the test server skips its drain) and on the owner having recorded it. */
async function finished(settings: OwnerSettings, id: string): Promise<OwnerState> {
  await env.client.workflow.getHandle(id).result().catch(() => undefined);
  return eventually(async () => {
    const owner = present(await readOwner(env.client, settings.project, settings.environment));
    expect(owner.history.map((entry) => entry.deploymentId)).toContain(id);
    return owner;
  });
}

/** One deploy (below the default 50 deploys), then a minute per backstop pass until the run renews; the first run's id. */
async function deployThenIdleUntilRenewed(settings: OwnerSettings, id: string): Promise<string> {
  const owner = env.client.workflow.getHandle(ownerWorkflowId(settings.project, settings.environment));
  await request(settings, id);
  const firstRun = (await owner.describe()).runId;
  await finished(settings, id);
  await eventually(async () => {
    await env.sleep('1m');
    expect((await owner.describe()).runId).not.toBe(firstRun);
  });
  return firstRun;
}

afterEach(async () => {
  for (const environment of ['coalesce', 'renewed', 'healing', 'idle', 'elsewhere']) {
    await env.client.workflow.getHandle(ownerWorkflowId('web', environment)).terminate('test over').catch(() => undefined);
  }
});

test('requests queued behind a running deploy coalesce: the newest runs, the others are superseded; a retried key is answered once', async () => {
  const settings = ownerSettings({ environment: 'coalesce' });
  const world = new FakeWorld();
  const release = world.gate('waitHealthy');
  const held = world.running('waitHealthy');
  const { answers, owner } = await withWorkers(env, world, async () => {
    const first = await request(settings, 'co-1', 'key-1');
    await held;
    const answers = [first, await request(settings, 'co-2'), await request(settings, 'co-3', 'key-3'), await request(settings, 'co-4'), await request(settings, 'co-5', 'key-3')];
    release();
    await finished(settings, 'co-1');
    return { answers, owner: await finished(settings, 'co-4') };
  });
  expect(answers.map(({ deploymentId, position, duplicate }) => [deploymentId, position, duplicate])).toEqual([
    ['co-1', 1, false],
    ['co-2', 1, false],
    ['co-3', 2, false],
    ['co-4', 3, false],
    ['co-3', 0, true],
  ]);
  expect(owner.history.map(({ deploymentId, status }) => [deploymentId, status])).toEqual([
    ['co-4', 'succeeded'],
    ['co-1', 'succeeded'],
  ]);
  expect(owner.superseded.map(({ deploymentId, by }) => [deploymentId, by])).toEqual([
    ['co-2', 'co-4'],
    ['co-3', 'co-4'],
  ]);
  expect(owner.desired?.summary.deploymentId).toBe('co-4');
});

test('the owner continues as new after its deploys, carrying history, desired release and idempotency keys', async () => {
  const settings = ownerSettings({ environment: 'renewed', continueAsNewAfter: 2 });
  const owner = env.client.workflow.getHandle(ownerWorkflowId('web', 'renewed'));
  const world = new FakeWorld();
  const { state, firstRun, retried } = await withWorkers(env, world, async () => {
    await request(settings, 'cn-1', 'key-cn-1');
    const firstRun = (await owner.describe()).runId;
    await finished(settings, 'cn-1');
    await request(settings, 'cn-2');
    await env.client.workflow.getHandle('cn-2').result();
    // Queried while it continues as new, the test server never answers: wait for the new run first.
    await eventually(async () => expect((await owner.describe()).runId).not.toBe(firstRun));
    await releaseOrphanedChildLock(env, owner.workflowId, firstRun, 'cn-2');
    await request(settings, 'cn-3');
    const state = await finished(settings, 'cn-3');
    const retried = await request(settings, 'cn-1-again', 'key-cn-1');
    return { state, firstRun, retried };
  });
  const firstHistory = await env.client.workflow.getHandle(ownerWorkflowId('web', 'renewed'), firstRun).fetchHistory();
  expect(firstHistory.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  expect(state.history.map((entry) => entry.deploymentId)).toEqual(['cn-3', 'cn-2', 'cn-1']);
  expect(state.desired?.summary.deploymentId).toBe('cn-3');
  expect(retried).toMatchObject({ deploymentId: 'cn-1', duplicate: true });
});

test('an idle owner continues as new after continueAsNewAfterPasses reconcile passes, so an evicted owner replays a short history', async () => {
  const settings = ownerSettings({ environment: 'idle', continueAsNewAfterPasses: 2, reconcileIntervalMs: 60_000 });
  const owner = env.client.workflow.getHandle(ownerWorkflowId('web', 'idle'));
  const world = new FakeWorld();
  const { firstRun, state } = await withWorkers(env, world, async () => {
    const firstRun = await deployThenIdleUntilRenewed(settings, 'idle-1');
    return { firstRun, state: present(await readOwner(env.client, 'web', 'idle')) };
  });
  const first = (await env.client.workflow.getHandle(owner.workflowId, firstRun).fetchHistory()).events ?? [];
  expect(first.at(-1)?.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  // Each pass a local activity in the workflow worker, which serves the host here.
  expect(stepsIn(first).local.filter((step) => step.startsWith('reconcileEnvironment'))).toEqual(['reconcileEnvironment', 'reconcileEnvironment']);
  expect(stepsIn(first).scheduled.filter((step) => step.startsWith('reconcileEnvironment'))).toEqual([]);
  expect(first.some((event) => event.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);
  expect(state.desired?.summary.deploymentId).toBe('idle-1');
  expect(state.passesThisRun ?? 0).toBeLessThan(2);
});

test('an owner whose workflow worker does not serve the host asks once per run, then sends its passes to the host queue', async () => {
  const settings = ownerSettings({ environment: 'elsewhere', continueAsNewAfterPasses: 3, reconcileIntervalMs: 60_000 });
  const owner = env.client.workflow.getHandle(ownerWorkflowId('web', 'elsewhere'));
  const world = new FakeWorld();
  const firstRun = await withWorkers(env, world, () => deployThenIdleUntilRenewed(settings, 'elsewhere-1'), ['local'], []);
  const steps = stepsIn((await env.client.workflow.getHandle(owner.workflowId, firstRun).fetchHistory()).events ?? []);
  expect(steps.local.filter((step) => step.startsWith('reconcileEnvironment'))).toEqual(['reconcileEnvironment failed']);
  const onHostQueue = `reconcileEnvironment@${hostTaskQueue('local')}`;
  expect(steps.scheduled.filter((step) => step.startsWith('reconcileEnvironment'))).toEqual([onHostQueue, onHostQueue, onHostQueue]);
});

test('reconciliation heals up to its cap within the window, then stops and alerts', async () => {
  const settings = ownerSettings({ environment: 'healing', reconcileIntervalMs: 60_000, maxHeals: 2, healWindowMs: 3600_000 });
  const world = new FakeWorld().on('reconcileEnvironment', async () => ({ healed: ['restarted berth-web-healing-h-1'], problems: [], upstream: '127.0.0.1:21001' }));
  const owner = await withWorkers(env, world, async () => {
    await request(settings, 'h-1');
    await finished(settings, 'h-1');
    // Skip a minute per check rather than 10 minutes once: under load the owner may set its
    // reconcile timer after a single skip, and then no later timer would ever fire.
    return eventually(async () => {
      await env.sleep('1m');
      const owner = present(await readOwner(env.client, 'web', 'healing'));
      expect(owner.paused).toBe(true);
      return owner;
    });
  });
  expect(owner.pausedReason).toBe('reconciliation stopped: healing was needed 2 times within 3600000 ms');
  expect(world.calls.filter((name) => name === 'reconcileEnvironment')).toHaveLength(2);
  expect(world.eventNames().filter((name) => name.startsWith('drift'))).toEqual(['drift_healed', 'drift_healed', 'drift_alert']);
  expect(owner.lastReconcile?.healed).toEqual(['restarted berth-web-healing-h-1']);
});

