import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { Harness } from '../support/berth-harness';
import { activityAttempts } from '../support/history';

const root = join(__dirname, '..', '..');

/** The real worker process, `berth worker`, killed with SIGKILL in the middle of a deploy. */
describe('a worker process that dies mid-deploy', () => {
  const berth = new Harness({ name: 'crash', workers: false });
  const dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
  const logFile = join(dir, 'worker.log');
  let worker: ChildProcess | undefined;

  /** Starts `src/main.ts worker` as its own process and waits until it polls; bounded. */
  async function startWorker(): Promise<ChildProcess> {
    const log = openSync(logFile, 'a');
    // `node --import tsx`, not the tsx CLI: one process, so SIGKILL reaches the worker itself.
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src', 'main.ts'), 'worker'], {
      cwd: root,
      env: { ...process.env, BERTH_CONFIG: join(dir, 'berth.json'), BERTH_LOG_LEVEL: 'info' },
      stdio: ['ignore', log, log],
    });
    const deadline = Date.now() + 90_000;
    const up = () => readFileSync(logFile, 'utf8').split('\n').some((line) => line.includes(`"pid":${child.pid},`) && line.includes('berth is up'));
    while (!up()) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`worker did not come up: ${readFileSync(logFile, 'utf8').slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return child;
  }

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
