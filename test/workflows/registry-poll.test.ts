import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approveSignal, ownerQuery, ownerWorkflowId } from '../../src/workflows/definitions';
import { startPollingOwners } from '../../src/temporal/poll-owners';
import { eventually } from '../support/eventually';
import { startTimeSkipping } from '../support/time-skipping';
import { taskQueue } from './fake-world';
import { digestOf, FakeRegistry, pinningWorld, repository, withPollWorkers } from './poll-world';
import { ownerSettings } from './specs';

const minute = 60_000;

/** The owner's registry poll on the time-skipping server: minutes pass in moments. */
describe('the registry poll', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(() => env?.teardown());

  const owner = (environment: string) => env.client.workflow.getHandle(ownerWorkflowId('web', environment));
  /** Waits for the owner's `count`th deploy to end; waiting on its result lets the server skip its timers. */
  async function deployEnded(environment: string, count: number): Promise<void> {
    let id: string | undefined;
    await eventually(async () => {
      const state = await owner(environment).query(ownerQuery);
      id = state.history.length >= count ? state.history[0].deploymentId : state.history.length === count - 1 ? state.running : undefined;
      return id !== undefined;
    });
    await env.client.workflow.getHandle(id!).result();
  }
  const gaps = (checks: Array<{ at: number }>) => checks.slice(1).map((check, i) => Math.round((check.at - checks[i].at) / 1000));

  it('checks at once, then once per interval, and deploys a new digest once, pinned and requested by the poller', async () => {
    const registry = new FakeRegistry().push('main', digestOf('b'));
    const settings = ownerSettings({ environment: 'poll-once', pollIntervalMs: minute });
    const state = await withPollWorkers(env, pinningWorld(), registry, async () => {
      await startPollingOwners(env.client, taskQueue, [settings]);
      await deployEnded('poll-once', 1);
      await env.sleep('5m');
      registry.push('main', digestOf('c'));
      await env.sleep('60s');
      await deployEnded('poll-once', 2);
      await env.sleep('60s');
      // Queries need a worker: asked before the workers stop.
      return owner('poll-once').query(ownerQuery);
    });
    await owner('poll-once').terminate('test over');

    expect(state.history.map((summary) => [summary.image, summary.requestedBy, summary.status])).toEqual([
      [`${repository}@${digestOf('c')}`, 'poller', 'succeeded'],
      [`${repository}@${digestOf('b')}`, 'poller', 'succeeded'],
    ]);
    // Every check 60 s after the one before, across deploys and idle minutes alike.
    expect(registry.checks.length).toBeGreaterThanOrEqual(7);
    expect(new Set(gaps(registry.checks))).toEqual(new Set([60]));
  });

  it('holds a polled deploy for approval while later checks of the same digest start nothing', async () => {
    const registry = new FakeRegistry({ approval: 'required' }).push('main', digestOf('f'));
    const settings = ownerSettings({ environment: 'poll-approval', pollIntervalMs: minute });
    const { waiting, decided } = await withPollWorkers(env, pinningWorld(), registry, async () => {
      await startPollingOwners(env.client, taskQueue, [settings]);
      let id = '';
      await eventually(async () => {
        id = (await owner('poll-approval').query(ownerQuery)).running ?? '';
        return id !== '' && (await env.client.workflow.getHandle(id).describe()).searchAttributes.BerthStatus?.[0] === 'awaiting_approval';
      });
      await env.sleep('5m');
      const waiting = await owner('poll-approval').query(ownerQuery);
      await env.client.workflow.getHandle(id).signal(approveSignal, { by: 'alice' });
      await env.client.workflow.getHandle(id).result();
      return { waiting, decided: await owner('poll-approval').query(ownerQuery) };
    });
    await owner('poll-approval').terminate('test over');

    expect(registry.checks.length).toBeGreaterThanOrEqual(5);
    expect({ queue: waiting.queue, history: waiting.history }).toEqual({ queue: [], history: [] });
    expect(decided.history.map((summary) => [summary.image, summary.requestedBy, summary.status, summary.approval?.by])).toEqual([[`${repository}@${digestOf('f')}`, 'poller', 'succeeded', 'alice']]);
  });

  it('neither repeats nor skips a check when the owner replays from its history at every step', async () => {
    const registry = new FakeRegistry().push('main', digestOf('d'));
    const settings = ownerSettings({ environment: 'poll-replayed', pollIntervalMs: minute });
    await withPollWorkers(env, pinningWorld(), registry, async () => {
      await startPollingOwners(env.client, taskQueue, [settings]);
      await deployEnded('poll-replayed', 1);
      await env.sleep('310s');
    }, { cached: false });
    await owner('poll-replayed').terminate('test over');

    expect(gaps(registry.checks)).toEqual([60, 60, 60, 60, 60]);
    expect(new Set(registry.checks.map((check) => check.runId)).size).toBe(1);
  });

  it('carries the schedule across continue-as-new: the next run does not check again at once', async () => {
    const registry = new FakeRegistry().push('main', digestOf('e'));
    const settings = ownerSettings({ environment: 'poll-renewed', pollIntervalMs: minute, continueAsNewAfter: 1 });
    // (The test server does not skip time for a run that continued as new, so this waits on the real clock, briefly.)
    const { firstRun, carried } = await withPollWorkers(env, pinningWorld(), registry, async () => {
      await startPollingOwners(env.client, taskQueue, [settings]);
      const firstRun = (await owner('poll-renewed').describe()).runId;
      await deployEnded('poll-renewed', 1);
      await eventually(async () => (await owner('poll-renewed').describe()).runId !== firstRun);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      return { firstRun, carried: await owner('poll-renewed').query(ownerQuery) };
    });
    await owner('poll-renewed').terminate('test over');

    expect(registry.checks.map((check) => check.runId)).toEqual([firstRun]);
    expect(Math.abs(carried.nextPollAt! - (registry.checks[0].at + minute))).toBeLessThan(1000);
    expect(carried.history.map((summary) => [summary.requestedBy, summary.status])).toEqual([['poller', 'succeeded']]);
  });
});
