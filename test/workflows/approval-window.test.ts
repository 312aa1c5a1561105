import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approveSignal, decideUpdate, statusQuery } from '../../src/workflows/definitions';
import { eventually } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, withWorkers } from './fake-world';
import { finalRecord, startDeploy } from './deploy-runs';
import { deploySpec } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

const hour = 3600_000;
/** Whole hours between two times of the workflow's clock; the test server's clock also moves in real time. */
function lasted(from: string, to: string): string {
  return `${Math.floor((Date.parse(to) - Date.parse(from)) / hour)}h`;
}

const gated = { approval: 'required', approvalTimeoutMs: 24 * hour, approvalReminderMs: hour } as const;

test('nobody decides within 24 h: a reminder every hour, then expired, and nothing visible changed', async () => {
  const world = new FakeWorld();
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, deploySpec({ deploymentId: 'expire-1', ...gated }))));
  expect(record.status).toBe('expired');
  expect(record.approval).toMatchObject({ status: 'expired' });
  expect(lasted(record.approval!.requestedAt, record.approval!.decidedAt!)).toBe('24h');
  expect(world.eventNames()).toEqual(['started', 'awaiting_approval', ...Array(23).fill('approval_reminder'), 'expired']);
  expect(world.calls).toEqual(['pullImage', 'describeCurrent', 'removePulledImage']);
});

test('approved by signal after 5 h: reminded five times, then it deploys and records who approved', async () => {
  const world = new FakeWorld();
  const record = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'approve-1', ...gated }));
    await eventually(async () => expect((await handle.query(statusQuery)).status).toBe('awaiting_approval'));
    await env.sleep('330m');
    await handle.signal(approveSignal, { by: 'alice', comment: 'ship it' });
    return finalRecord(handle);
  });
  expect(record.status).toBe('succeeded');
  expect(record.approval).toMatchObject({ status: 'approved', by: 'alice', comment: 'ship it', via: 'signal' });
  expect(world.eventNames().filter((name) => name === 'approval_reminder')).toHaveLength(5);
  expect(world.calls).toContain('switchRoute');
});

test('rejected through the decide update: the update answers with the decision, and a change of mind is refused', async () => {
  const world = new FakeWorld();
  const { record, answer, changedMind } = await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, deploySpec({ deploymentId: 'reject-1', ...gated }));
    await eventually(async () => expect((await handle.query(statusQuery)).status).toBe('awaiting_approval'));
    const answer = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'reject', by: 'bob', comment: 'not today' }] });
    const changedMind = await handle.executeUpdate(decideUpdate, { args: [{ decision: 'approve', by: 'carol' }] }).catch((error: Error) => String((error.cause as Error | undefined)?.message));
    return { record: await finalRecord(handle), answer, changedMind };
  });
  expect(answer).toMatchObject({ status: 'rejected', by: 'bob', comment: 'not today', via: 'api' });
  expect(changedMind).toContain('deployment reject-1 was already rejected by bob');
  expect(record).toMatchObject({ status: 'rejected', reason: 'rejected by bob: not today' });
  expect(world.calls).toEqual(['pullImage', 'describeCurrent', 'removePulledImage']);
});

test('a deploy window that opens in 3 h: the deploy waits, asks again, then proceeds', async () => {
  const untilOpen = [3 * hour, 0];
  const world = new FakeWorld().on('msUntilWindowOpens', async () => untilOpen.shift() ?? 0);
  const record = await withWorkers(env, world, async () => finalRecord(await startDeploy(env, deploySpec({ deploymentId: 'window-1', window: 'Mon-Fri 09:00-17:00 UTC' }))));
  expect(record.status).toBe('succeeded');
  const window = record.steps.find((step) => step.name === 'window')!;
  expect(lasted(window.startedAt, window.finishedAt!)).toBe('3h');
  expect(untilOpen).toEqual([]);
  // Nothing started before the window opened.
  const started = record.steps.find((step) => step.name === 'start')!;
  expect(Date.parse(started.startedAt)).toBeGreaterThanOrEqual(Date.parse(window.finishedAt!));
});
