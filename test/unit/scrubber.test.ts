import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { deploySecrets, scrubbing, scrubFailure, scrubValue } from '../../src/activities/scrubber';

const env = {
  WEB_DATABASE_URL: 'postgres://app:p%40ss-word-1@db:5432/web',
  WEB_API_KEY: 'sk_live_0123456789',
  REGISTRY_PASSWORD: 'registry-pass-42',
  SHORT: 'abc',
};
const spec = {
  secretEnv: { DATABASE_URL: 'env:WEB_DATABASE_URL', API_KEY: 'env:WEB_API_KEY', TINY: 'env:SHORT', MISSING: 'env:NOT_SET' },
  migrations: { database: 'env:WEB_DATABASE_URL' } as never,
};
const registries = { 'registry.example.com': { username: 'ci', password: 'env:REGISTRY_PASSWORD' } };

describe('the deploy scrubber', () => {
  it('collects every resolved secret of a deploy: env secrets, the database URL and its password, registry passwords', () => {
    expect(deploySecrets(env, registries, spec).sort()).toEqual(
      ['app:p%40ss-word-1@', 'p%40ss-word-1', 'p@ss-word-1', 'postgres://app:p%40ss-word-1@db:5432/web', 'registry-pass-42', 'sk_live_0123456789'].sort(),
    );
  });

  it('masks strings anywhere in a result', () => {
    const secrets = deploySecrets(env, registries, spec);
    expect(scrubValue({ tail: 'DATABASE_URL=postgres://app:p%40ss-word-1@db:5432/web\nkey sk_live_0123456789', n: 3, list: ['p@ss-word-1'] }, secrets)).toEqual({
      tail: 'DATABASE_URL=[redacted]\nkey [redacted]',
      n: 3,
      list: ['[redacted]'],
    });
  });

  it('rebuilds a failure that quotes a secret as the same kind of failure, and leaves others alone', () => {
    const secrets = deploySecrets(env, registries, spec);
    const failure = ApplicationFailure.nonRetryable('container exited: API_KEY=sk_live_0123456789', 'UNHEALTHY', { logTail: 'sk_live_0123456789' });
    const clean = scrubFailure(failure, secrets) as ApplicationFailure;
    expect({ message: clean.message, type: clean.type, nonRetryable: clean.nonRetryable, details: clean.details }).toEqual({
      message: 'container exited: API_KEY=[redacted]',
      type: 'UNHEALTHY',
      nonRetryable: true,
      details: [{ logTail: '[redacted]' }],
    });
    expect(clean.stack).not.toContain('sk_live_0123456789');
    const cancelled = new CancelledFailure('cancelled');
    expect(scrubFailure(cancelled, secrets)).toBe(cancelled);
  });

  it('wraps every activity: results and failures leave scrubbed', async () => {
    const activities = scrubbing(env, registries, {
      async tail(_spec: typeof spec) {
        return 'printed registry-pass-42';
      },
      async crash(_spec: typeof spec) {
        throw new Error('connect postgres://app:p%40ss-word-1@db:5432/web failed');
      },
    });
    await expect(activities.tail(spec)).resolves.toBe('printed [redacted]');
    await expect(activities.crash(spec)).rejects.toThrow(new Error('connect [redacted] failed'));
  });
});
