import type { DeployRecord } from '../../src/model/types';
import type { BerthProcess } from '../support/berth-process';
import { ProductionBerth, type ProductionProject } from '../support/production-berth';
import { loadLoop } from '../support/proxy-client';

/** Each project's deploy is held in one step when the worker dies: a stall before acting, or a long drain. */
const heldSteps = ['pull', 'start', 'health', 'switch', 'monitor', 'drain', 'retire'] as const;
const projectOf = (step: string) => `crash-${step}`;
const hold = { kind: 'delay', ms: 300_000 };

function projects(): Record<string, ProductionProject> {
  return Object.fromEntries(
    heldSteps.map((step) => [projectOf(step), { host: projectOf(step), settings: step === 'drain' ? { drain: '15s' } : {} }]),
  );
}

/** The faults that hold every project but the drain one in its step; drain holds itself. */
const holdPlan = () => Object.fromEntries(heldSteps.filter((step) => step !== 'drain').map((step) => [projectOf(step), { [step]: hold }]));

/** kill -9 of worker processes in the middle of deploys, against the Temporal server on PostgreSQL. */
describe('production topology: worker processes killed mid-deploy', () => {
  const berth = new ProductionBerth({ name: 'prodcrash', ports: '23100-23799', projects: projects() });
  let worker: BerthProcess;
  const first: Record<string, string> = {};

  beforeAll(async () => {
    await berth.start();
    [worker] = await Promise.all([berth.spawn('worker'), berth.spawn('api')]);
    const ids = await Promise.all(heldSteps.map((step) => berth.deploy(projectOf(step), 'v1')));
    const records = await Promise.all(ids.map((id) => berth.waitForEnd(id)));
    heldSteps.forEach((step, i) => {
      if (records[i].status !== 'succeeded') throw new Error(`v1 of ${projectOf(step)} ended ${records[i].status}: ${records[i].reason}`);
      first[step] = ids[i];
    });
  }, 300_000);
  afterAll(() => berth.stop());

  it('loses nothing when the worker dies once during each of pull, start, health, switch, monitor, drain and retire', async () => {
    berth.setFaults(holdPlan());
    const loops = heldSteps.map((step) => loadLoop(berth.testWorld.caddyListenAddress, berth.hostname(projectOf(step)), '/version', { maxRequests: 20_000, maxMs: 240_000, keepAlive: true }));
    const ids: Record<string, string> = {};
    for (const step of heldSteps.filter((s) => s !== 'drain')) ids[step] = await berth.deploy(projectOf(step), 'v2');
    for (const step of heldSteps.filter((s) => s !== 'drain')) await berth.waitForStep(ids[step], step);
    // Last, so the kill lands inside its 15 s drain.
    ids.drain = await berth.deploy(projectOf('drain'), 'v2');
    await berth.waitForStep(ids.drain, 'drain');

    await worker.kill();
    const killedAt = Date.now();
    berth.setFaults({});
    worker = await berth.spawn('worker');
    console.log(`a new worker process polled ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);

    const ended: Record<string, DeployRecord> = {};
    await Promise.all(
      heldSteps.map(async (step) => {
        ended[step] = await berth.waitForEnd(ids[step], 180_000);
        console.log(`worker killed during ${step}: the deploy ended ${ended[step].status} ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
      }),
    );
    const loads = await Promise.all(loops.map((loop) => loop.stop()));

    for (const [i, step] of heldSteps.entries()) {
      const project = projectOf(step);
      const record = ended[step];
      expect({ step, status: record.status }).toEqual({ step, status: expect.stringMatching(/^(succeeded|rolled_back)$/) });
      const serving = record.status === 'succeeded' ? 'v2' : 'v1';
      expect(await berth.proxyGet(project)).toEqual({ status: 200, body: serving });
      // No orphans: every container of the project belongs to one of its two recorded deploys, and one runs.
      const containers = await berth.containers();
      const ours = containers.filter((c) => c.project === project);
      expect(ours.every((c) => [first[step], ids[step]].includes(c.release))).toBe(true);
      expect(ours.filter((c) => c.state === 'running').map((c) => c.release)).toEqual([record.status === 'succeeded' ? ids[step] : first[step]]);
      if (record.status === 'succeeded') expect({ step, failures: loads[i].failures }).toEqual({ step, failures: [] });
    }
  });

  it('finishes a deploy on the second of two polling workers when the one running it dies', async () => {
    const project = projectOf('health');
    berth.setFaults({ [project]: { health: hold } });
    const id = await berth.deploy(project, 'v1');
    // Only `worker` polls while the deploy reaches health, so the held activity is surely its.
    await berth.waitForStep(id, 'health');
    const second = await berth.spawn('worker');
    await worker.kill();
    const killedAt = Date.now();
    berth.setFaults({});
    const record = await berth.waitForEnd(id, 120_000);
    console.log(`one of two workers killed during health: the other finished the deploy ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`);
    worker = second;
    expect(record.status).toBe('succeeded');
    expect(await berth.proxyGet(project)).toEqual({ status: 200, body: 'v1' });
  });
});
