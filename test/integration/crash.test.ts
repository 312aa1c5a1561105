import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { startWorkerProcess } from '../support/worker-process';
import { Harness } from '../support/berth-harness';
import { activityAttempts } from '../support/history';


/** The real worker process, `berth worker`, killed with SIGKILL in the middle of a deploy. */
describe('a worker process that dies mid-deploy', () => {
  const berth = new Harness({ name: 'crash', workers: false });
  const dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
  const logFile = join(dir, 'worker.log');
  let worker: ChildProcess | undefined;

  const startWorker = () => startWorkerProcess(join(dir, 'berth.json'), logFile);

  beforeAll(async () => {
    await berth.start();
    writeFileSync(join(dir, 'berth.json'), JSON.stringify(berth.rawConfig));
    worker = await startWorker();
  }, 180_000);
  afterAll(async () => {
    worker?.kill('SIGKILL');
    await berth.stop();
  });

  it('loses nothing: a new worker finishes the deploy, with one candidate', async () => {
    const first = await berth.deployAndWait('v1');
    expect(first.status).toBe('succeeded');

    // The slow image takes ~3 s to answer, so the health step is surely running when the worker dies.
    const id = await berth.deploy('slow');
    await eventually(
      async () => {
        const { body } = await berth.request('GET', `/v1/deployments/${id}`);
        return body.steps?.some((s: { name: string; status: string }) => s.name === 'health' && s.status === 'running') === true;
      },
      { what: 'the health step running' },
    );
    worker!.kill('SIGKILL');
    await new Promise((resolve) => worker!.once('exit', resolve));
    worker = await startWorker();

    const record = await berth.waitForEnd(id, 120_000);
    expect(record.status).toBe('succeeded');
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'slow' });
    const releases = await berth.releases();
    expect(releases.map((r) => [r.release, r.running])).toEqual([
      [id, true],
      [first.id, false],
    ]);
    // The health wait in flight when the worker died timed out on its heartbeat and ran again on the new worker.
    const [attempt] = await activityAttempts(berth, id, 'waitHealthy');
    expect(attempt).toBeGreaterThanOrEqual(2);
  });
});
