import { ApplicationFailure } from '@temporalio/common';
import { classify } from '../../src/activities/failures';
import { MigrationFailedError } from '../../src/db/errors';
import { scrubError } from '../../src/db/redact';
import { PermanentError, RetryableError, UnhealthyError } from '../../src/model/errors';
import { detailsWith, failureDetailsOf, failureText, failureTypes } from '../../src/model/failures';

async function failureOf(error: Error): Promise<ApplicationFailure> {
  return classify(async () => {
    throw error;
  }).then(
    () => {
      throw new Error('expected a failure');
    },
    (failure: ApplicationFailure) => failure,
  );
}

describe('failure details', () => {
  it('leave empty tails out', () => {
    expect(detailsWith('exited', 'health', { logTail: '' })).toEqual({ kind: 'exited', step: 'health' });
    expect(detailsWith('migration', 'migrate', { outputTail: 'x' })).toEqual({ kind: 'migration', step: 'migrate', outputTail: 'x' });
  });

  it('read back only in their own shape', () => {
    expect(failureDetailsOf([{ kind: 'unhealthy', step: 'health', logTail: 't' }])).toEqual({ kind: 'unhealthy', step: 'health', logTail: 't' });
    expect(failureDetailsOf([{ id: 'd1', status: 'failed' }])).toBeUndefined();
    expect(failureDetailsOf(['text'])).toBeUndefined();
    expect(failureDetailsOf([])).toBeUndefined();
    expect(failureDetailsOf(undefined)).toBeUndefined();
  });

  it('make the text a record shows: the message, then each tail under its marker', () => {
    expect(failureText('exited with code 3', detailsWith('exited', 'health', { logTail: 'fatal: no config' }))).toBe('exited with code 3\n--- container log (tail) ---\nfatal: no config');
    expect(failureText('down failed', detailsWith('migration-down', 'compensation', { outputTail: 'ERROR' }))).toBe('down failed\n--- migration output (tail) ---\nERROR');
    expect(failureText('plain', undefined)).toBe('plain');
  });
});

describe('classify', () => {
  it('turns an unhealthy candidate into a non-retryable failure whose details carry the log tail, not its message', async () => {
    const failure = await failureOf(new UnhealthyError('GET /health failed 3 times', detailsWith('unhealthy', 'health', { logTail: 'boom' })));
    expect({ message: failure.message, type: failure.type, nonRetryable: failure.nonRetryable, details: failure.details }).toEqual({
      message: 'GET /health failed 3 times',
      type: failureTypes.unhealthy,
      nonRetryable: true,
      details: [{ kind: 'unhealthy', step: 'health', logTail: 'boom' }],
    });
  });

  it('keeps a failed migration permanent and a failed down retryable, both with their output tails', async () => {
    const migration = await failureOf(new MigrationFailedError('the migration command exited with code 1', 'ERROR: relation'));
    expect({ type: migration.type, nonRetryable: migration.nonRetryable, details: migration.details }).toEqual({
      type: failureTypes.migrationFailed,
      nonRetryable: true,
      details: [{ kind: 'migration', step: 'migrate', outputTail: 'ERROR: relation' }],
    });
    const down = await failureOf(new RetryableError(failureTypes.migrationDownFailed, 'the down command exited with code 1', detailsWith('migration-down', 'migrate', { outputTail: 'locked' })));
    expect({ type: down.type, nonRetryable: down.nonRetryable, details: down.details }).toEqual({
      type: failureTypes.migrationDownFailed,
      nonRetryable: false,
      details: [{ kind: 'migration-down', step: 'migrate', outputTail: 'locked' }],
    });
  });

  it('gives a permanent error without details none, and passes plain errors through', async () => {
    const failure = await failureOf(new PermanentError('INVALID_SPEC', 'env: bad'));
    expect({ type: failure.type, nonRetryable: failure.nonRetryable, details: failure.details }).toEqual({ type: 'INVALID_SPEC', nonRetryable: true, details: [] });
    const plain = new Error('socket hang up');
    await expect(failureOf(plain)).resolves.toBe(plain);
  });
});

describe('scrubError', () => {
  it('masks secrets in the details too, keeping the kind of error', () => {
    const error = new MigrationFailedError('exited with code 3', 'still postgres://app:hunter22@db/web');
    const clean = scrubError(error, ['postgres://app:hunter22@db/web']) as PermanentError;
    expect(clean).toBeInstanceOf(PermanentError);
    expect({ code: clean.code, message: clean.message, details: clean.details }).toEqual({
      code: failureTypes.migrationFailed,
      message: 'exited with code 3',
      details: { kind: 'migration', step: 'migrate', outputTail: 'still [redacted]' },
    });
    const quiet = new MigrationFailedError('exited with code 3', 'nothing secret');
    expect(scrubError(quiet, ['hunter22'])).toBe(quiet);
  });
});
