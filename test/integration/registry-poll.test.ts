import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readOwner } from '../../src/temporal/owner-client';
import { ownerWorkflowId } from '../../src/workflows/definitions';
import { startWorkerProcess } from '../support/worker-process';
import { Harness } from '../support/berth-harness';
import { buildVersion, pushAs } from '../support/hook-registry';

const run = Date.now().toString(36);
const pollMs = 5000;
const semver = '/^v\\d+\\.\\d+\\.\\d+$/';

/**
 * The registry poller with notifications off: the world's registry tells
 * nobody about pushes, so only the owners' own checks can start these deploys.
 * The worker is `berth worker` as a process of its own, so it can be killed.
 */
describe('the registry poller', () => {
  const repositoryPath = `fixture/poll-${run}`;
  const berth = new Harness({
    name: 'poller',
    workers: false,
    project: { image: '' },
    environments: {
      staging: { autoDeploy: { tags: ['main'], poll: '5s' } },
      production: { autoDeploy: { tags: [semver], poll: '5s' } },
    },
    // Every deploy ends an owner's run: its schedule must carry into the next one.
    config: { owner: { continueAsNewAfter: 1 } },
  });
  const dir = mkdtempSync(join(tmpdir(), 'berth-poller-'));
  const logFile = join(dir, 'worker.log');
  let repository: string;
  let worker: ChildProcess | undefined;

  const startWorker = () => startWorkerProcess(join(dir, 'berth.json'), logFile);

  beforeAll(async () => {
    repository = `${berth.world.registryAddress}/${repositoryPath}`;
    berth.options.project = { image: repository };
    await berth.start();
    // Owners left by an earlier run of this file would carry its state: start from none.
    for (const environment of ['staging', 'production']) await berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).terminate('new test run').catch(() => undefined);
    writeFileSync(join(dir, 'berth.json'), JSON.stringify(berth.rawConfig));
    // `berth worker` starts the owners of polling environments itself (and this API process would too).
    worker = await startWorker();
  }, 180_000);

  afterAll(async () => {
    worker?.kill('SIGKILL');
    for (const environment of ['staging', 'production']) await berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).terminate('test over').catch(() => undefined);
    await berth.stop();
  });

  async function deploysOf(environment: string): Promise<string[]> {
    const owner = await readOwner(berth.client, berth.project, environment);
    return [owner?.running, ...(owner?.queue ?? []).map((q) => q.spec.deploymentId), ...(owner?.history ?? []).map((h) => h.deploymentId)].filter((id): id is string => id !== undefined);
  }

  /** Waits, bounded, for the first deploy of `environment` that is not in `known`. */
  async function newDeploy(environment: string, known: string[], timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (await deploysOf(environment)).filter((id) => !known.includes(id));
      if (fresh.length > 0) return fresh[0];
      if (Date.now() > deadline) throw new Error(`no new deploy of ${environment} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const runOf = async (environment: string) => (await berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment)).describe()).runId;

  /** When the owner (its latest run, or the one named) scheduled each registry check, from its workflow history (ms). */
  async function checkTimes(environment: string, runId?: string): Promise<number[]> {
    const history = await berth.client.workflow.getHandle(ownerWorkflowId(berth.project, environment), runId).fetchHistory();
    return (history.events ?? [])
      .filter((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'checkRegistry')
      .map((event) => Number(event.eventTime!.seconds) * 1000 + Math.round((event.eventTime!.nanos ?? 0) / 1e6));
  }

  it('deploys a new digest of main within one poll interval, pinned by digest, requested by the poller', async () => {
    const image = await buildVersion(berth.docker, berth.image('v1'), repository, `main-1-${run}`);
    const before = await deploysOf('staging');
    const firstRun = await runOf('staging');
    const pushedAt = Date.now();
    const digest = await pushAs(berth.docker, image, repository, 'main');
    // One interval, and a little for the check and the enqueue.
    const id = await newDeploy('staging', before, pollMs + 3000);
    const record = await berth.waitForEnd(id);
    console.log(`docker push of main → serving through the proxy, by the poller (poll 5s): ${Date.now() - pushedAt} ms`);

    expect(record).toMatchObject({ status: 'succeeded', requestedBy: 'poller', image: `${repository}@${digest}`, digest, trigger: { tag: 'main', digest } });
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: `main-1-${run}` });
    // The same digest at the next checks starts nothing.
    await new Promise((resolve) => setTimeout(resolve, 2 * pollMs));
    expect(await deploysOf('staging')).toEqual([id, ...before]);
    // The deploy ended the owner's run; the next run checked one interval after the last check, not at once.
    const [earlier, later] = [await checkTimes('staging', firstRun), await checkTimes('staging')];
    expect(await runOf('staging')).not.toBe(firstRun);
    expect(later.length).toBeGreaterThanOrEqual(1);
    expect(later[0] - earlier.at(-1)!).toBeGreaterThanOrEqual(pollMs * 0.8);
  });

  it('deploys the highest semver a pattern matches: v1.10.0 over v1.9.3, once', async () => {
    const before = await deploysOf('production');
    const newer = await buildVersion(berth.docker, berth.image('v1'), repository, `v1.10.0-${run}`);
    const older = await buildVersion(berth.docker, berth.image('v1'), repository, `v1.9.3-${run}`);
    // The newest first: whichever check sees them, v1.9.3 never looks newest.
    const digest = await pushAs(berth.docker, newer, repository, 'v1.10.0');
    await pushAs(berth.docker, older, repository, 'v1.9.3');
    const id = await newDeploy('production', before, pollMs + 3000);
    const record = await berth.waitForEnd(id);

    expect(record).toMatchObject({ status: 'succeeded', requestedBy: 'poller', image: `${repository}@${digest}`, trigger: { tag: 'v1.10.0', digest } });
    expect(await berth.proxyGet('production')).toEqual({ status: 200, body: `v1.10.0-${run}` });
    await new Promise((resolve) => setTimeout(resolve, 2 * pollMs));
    expect(await deploysOf('production')).toEqual([id, ...before]);
  });

  it('checks again after the worker is killed between checks: the missed check happens once, then the schedule goes on', async () => {
    // Just after a check, so none is in flight when the worker dies.
    const seen = (await checkTimes('staging')).length;
    for (let i = 0; i < 100 && (await checkTimes('staging')).length === seen; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 500));
    worker!.kill('SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));
    const killedAt = Date.now();
    // Longer than an interval: the next check falls due while no worker runs.
    await new Promise((resolve) => setTimeout(resolve, pollMs + 2000));
    worker = await startWorker();
    const upAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2 * pollMs + 4000));

    const checks = await checkTimes('staging');
    const whileDown = checks.filter((at) => at > killedAt && at < upAt);
    const afterRestart = checks.filter((at) => at >= upAt);
    const gaps = checks.slice(1).map((at, i) => at - checks[i]);
    console.log(`registry checks after the restart: ${afterRestart.map((at) => `+${at - upAt} ms`).join(', ')}; gaps ${gaps.slice(-4).join(', ')} ms`);

    expect(whileDown).toEqual([]);
    expect(afterRestart.length).toBeGreaterThanOrEqual(2);
    // Never two checks for one due time: no gap is much shorter than the interval.
    expect(gaps.filter((gap) => gap < pollMs * 0.8)).toEqual([]);
  });
});
