import { Harness } from '../support/berth-harness';
import { activityAttempts } from '../support/history';

describe('a deploy that fails leaves the current release serving', () => {
  const berth = new Harness({ name: 'failures', project: { health: { path: '/health', interval: '200ms', timeout: '1s', retries: 10 } } });
  let current: string;

  beforeAll(async () => {
    current = await berth.startServing('v1');
  });
  afterAll(() => berth.stop());

  async function expectCurrentStillServes(): Promise<void> {
    expect(await berth.proxyGet('staging')).toEqual({ status: 200, body: 'v1' });
    const releases = await berth.releases();
    expect(releases.map((r) => [r.release, r.running])).toEqual([[current, true]]);
  }

  it('an unhealthy image fails, its candidate is removed, v1 still serves', async () => {
    const record = await berth.deployAndWait('unhealthy');

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(record.reason).toMatch(/GET \/health failed 10 times; last: HTTP 404/);
    expect(record.steps.find((s) => s.name === 'compensation')?.status).toBe('succeeded');
    await expectCurrentStillServes();
    expect(berth.receiver.eventsFor(record.id)).toEqual(['started', 'failed']);
  });

  it('a crashing image fails fast with its log tail', async () => {
    const record = await berth.deployAndWait('crash');
    const health = record.steps.find((s) => s.name === 'health')!;
    const healthMs = Date.parse(health.finishedAt!) - Date.parse(health.startedAt);

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('health');
    expect(record.reason).toMatch(/container exited with code 3/);
    expect(record.reason).toMatch(/fatal: cannot open config \/etc\/app.conf/);
    // The health budget is 10 x (200ms + 1s); an exit is noticed on the first probes.
    expect(healthMs).toBeLessThan(5000);
    await expectCurrentStillServes();
  });

  it('an unknown tag fails at once, without retries', async () => {
    const id = await berth.deploy('no-such-tag');
    const record = await berth.waitForEnd(id);

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('pull');
    expect(record.reason).toMatch(/not found/);
    expect(await activityAttempts(berth, id, 'pullImage')).toEqual([1]);
    await expectCurrentStillServes();
  });
});
