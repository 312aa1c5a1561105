import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploySecrets } from '../../src/activities/scrubber';
import { containerEnv, resolveSecretEnv } from '../../src/activities/secret-env';
import { PermanentError } from '../../src/model/errors';

const dir = mkdtempSync(join(tmpdir(), 'berth-secret-env-'));
const keyFile = join(dir, 'api-key');
writeFileSync(keyFile, 'sk_file_0123456789\n');
const env = { WEB_DATABASE_URL: 'postgres://app:pw-1234@db/web' };

describe('secret env', () => {
  it('resolves env: and file: references, and names the ones that do not resolve by reference only', () => {
    expect(resolveSecretEnv({ DATABASE_URL: 'env:WEB_DATABASE_URL', API_KEY: `file:${keyFile}`, MISSING: 'env:NOT_SET' }, env)).toEqual({
      values: { DATABASE_URL: 'postgres://app:pw-1234@db/web', API_KEY: 'sk_file_0123456789' },
      unresolved: { MISSING: 'secret env:NOT_SET is not set' },
    });
  });

  it('gives a container its plain env with the secrets resolved over it', () => {
    expect(containerEnv({ env: { MODE: 'prod', API_KEY: 'plain' }, secretEnv: { API_KEY: `file:${keyFile}` } }, env)).toEqual({ MODE: 'prod', API_KEY: 'sk_file_0123456789' });
  });

  it('fails permanently on a reference that does not resolve, naming the variable', () => {
    const attempt = () => containerEnv({ env: {}, secretEnv: { MISSING: 'env:NOT_SET' } }, env);
    expect(attempt).toThrow(new PermanentError('SECRET_UNRESOLVED', 'secrets.MISSING: secret env:NOT_SET is not set'));
    expect(attempt).toThrow(PermanentError);
  });

  it('is what the scrubber masks: every value a container gets', () => {
    const spec = { secretEnv: { DATABASE_URL: 'env:WEB_DATABASE_URL', API_KEY: `file:${keyFile}` } };
    const given = Object.values(containerEnv({ env: {}, ...spec }, env));
    expect(deploySecrets(env, {}, spec)).toEqual(expect.arrayContaining(given));
  });
});
