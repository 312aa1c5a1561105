import { Harness } from '../support/berth-harness';
import { startRefusingRegistry } from '../support/fake-registry';
import { activityAttempts, historyText } from '../support/history';

describe('registry errors', () => {
  const password = 'registry-password-that-must-not-leak';
  let registry: Awaited<ReturnType<typeof startRefusingRegistry>>;
  let berth: Harness;

  beforeAll(async () => {
    registry = await startRefusingRegistry();
    process.env.BERTH_TEST_REGISTRY_PASSWORD = password;
    berth = new Harness({
      name: 'regerr',
      project: { image: `${registry.address}/fixture/web` },
      config: { registries: { [registry.address]: { username: 'ci', password: 'env:BERTH_TEST_REGISTRY_PASSWORD' } } },
    });
    await berth.start();
  });
  afterAll(async () => {
    await berth.stop();
    await registry.stop();
  });

  it('refused credentials fail the pull once, cleanly, without leaking the password', async () => {
    const id = await berth.deploy('v1');
    const record = await berth.waitForEnd(id);

    expect(record.status).toBe('failed');
    expect(record.failedStep).toBe('pull');
    expect(record.reason).toMatch(/refused credentials/);
    expect(await activityAttempts(berth, id, 'pullImage')).toEqual([1]);
    // Docker presented the credentials Berth resolved from the reference.
    expect(registry.requests.some((line) => line.endsWith('auth=yes'))).toBe(true);
    expect(await berth.releases()).toEqual([]);

    const history = await historyText(berth, id);
    expect(history).toContain('refused credentials');
    expect(history).not.toContain(password);
    const api = JSON.stringify((await berth.request('GET', `/v1/deployments/${id}`)).body);
    expect(api).not.toContain(password);
  });
});
