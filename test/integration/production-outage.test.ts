import type { BerthProcess } from '../support/berth-process';
import { startDatabase, startTemporal, stopDatabase, stopTemporal } from '../support/production-world';
import { ProductionBerth } from '../support/production-berth';

const project = 'prodoutage';

/** The Temporal server, and then its PostgreSQL, go down in the middle of a deploy and come back. */
describe('production topology: Temporal and PostgreSQL outages mid-deploy', () => {
  const berth = new ProductionBerth({ name: project, ports: '23800-23899', projects: { [project]: { host: project } } });
  const processes: BerthProcess[] = [];

  beforeAll(async () => {
    await berth.start();
    processes.push(...(await Promise.all([berth.spawn('worker'), berth.spawn('api')])));
    const first = await berth.waitForEnd(await berth.deploy(project, 'v1'));
    if (first.status !== 'succeeded') throw new Error(`v1 ended ${first.status}: ${first.reason}`);
  }, 300_000);
  afterAll(async () => {
    // Whatever happened, leave the shared world running for the next file (each start is a no-op when running).
    if (berth.world) {
      await startDatabase(berth.world);
      await startTemporal(berth.world);
    }
    await berth.stop();
  });

  /** Holds a deploy of `tag` in health, runs `outage` (stop, pause, start), then lets it go; returns its record. */
  async function deployThrough(tag: string, what: string, stop: () => Promise<void>, start: () => Promise<void>) {
    berth.setFaults({ [project]: { health: { kind: 'delay', ms: 6000 } } });
    const id = await berth.deploy(project, tag);
    await berth.waitForStep(id, 'health');
    await stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await start();
    const back = Date.now();
    berth.setFaults({});
    const record = await berth.waitForEnd(id, 180_000);
    console.log(`${what} stopped for 3 s mid-deploy: the deploy ended ${record.status} ${((Date.now() - back) / 1000).toFixed(1)} s after it was back`);
    return record;
  }

  it('completes a deploy across a restart of the Temporal server', async () => {
    const record = await deployThrough('v2', 'Temporal server', () => stopTemporal(berth.world), () => startTemporal(berth.world));
    expect(record.status).toBe('succeeded');
    expect(await berth.proxyGet(project)).toEqual({ status: 200, body: 'v2' });
  });

  it('completes a deploy across a restart of PostgreSQL under the Temporal server', async () => {
    const record = await deployThrough('v1', 'PostgreSQL', () => stopDatabase(berth.world), () => startDatabase(berth.world));
    expect(record.status).toBe('succeeded');
    expect(await berth.proxyGet(project)).toEqual({ status: 200, body: 'v1' });
    const running = (await berth.containers()).filter((c) => c.state === 'running').map((c) => c.release);
    expect(running).toEqual([record.id]);
  });
});
