import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { detailsWith, failureTypes } from '../../src/model/failures';
import { startTimeSkipping } from '../support/time-skipping';
import { finalRecord, startDeploy } from './deploy-runs';
import { FakeWorld, withWorkers } from './fake-world';
import { deploySpec, migrations } from './specs';

/**
 * A failing step's log tail reaches the deploy record from the failure's
 * structured details; the record reads as it always has, and a failure in the
 * form histories recorded before details (the tail inside the message) still
 * gives the same record.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(async () => {
  await env?.teardown();
});

const message = 'GET /health failed 3 times; last: HTTP 500';
const logTail = 'listening on 21001\npanic: no config';
const shown = `${message}\n--- container log (tail) ---\n${logTail}`;

async function failedDeploy(id: string, world: FakeWorld, overrides: Parameters<typeof deploySpec>[0] = {}) {
  const spec = deploySpec({ deploymentId: id, ...overrides });
  return withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
}

describe('a failure with structured details', () => {
  it('gives the record its log tail, reason, step error and log lines', async () => {
    const world = new FakeWorld().on('waitHealthy', async () => {
      throw ApplicationFailure.create({ message, type: failureTypes.unhealthy, nonRetryable: true, details: [detailsWith('unhealthy', 'health', { logTail })] });
    });
    const record = await failedDeploy('details-new', world);
    expect({ status: record.status, failedStep: record.failedStep, reason: record.reason, logTail: record.logTail }).toEqual({ status: 'failed', failedStep: 'health', reason: shown, logTail });
    expect(record.steps.find((step) => step.name === 'health')?.error).toBe(shown);
    expect(record.events.filter((line) => line.type === 'log' && line.step === 'health').map((line) => line.message)).toEqual(['listening on 21001', 'panic: no config']);
  });

  it('reads exactly as the old form, the tail inside the message, still does', async () => {
    const world = new FakeWorld().fail('waitHealthy', shown, failureTypes.unhealthy);
    const record = await failedDeploy('details-old', world);
    expect({ status: record.status, failedStep: record.failedStep, reason: record.reason, logTail: record.logTail }).toEqual({ status: 'failed', failedStep: 'health', reason: shown, logTail });
  });

  it('has no log tail when the failure carries none', async () => {
    const world = new FakeWorld().on('waitHealthy', async () => {
      throw ApplicationFailure.create({ message, type: failureTypes.unhealthy, nonRetryable: true, details: [detailsWith('unhealthy', 'health', { logTail: '' })] });
    });
    const record = await failedDeploy('details-empty', world);
    expect({ reason: record.reason, logTail: record.logTail }).toEqual({ reason: message, logTail: undefined });
  });

  it('puts a failing undo in leftToFix with the output tail its details carry', async () => {
    const world = new FakeWorld()
      .fail('waitHealthy', message, failureTypes.unhealthy)
      .on('migrateDown', async () => {
        throw ApplicationFailure.create({
          message: 'the down command exited with code 1',
          type: failureTypes.migrationDownFailed,
          nonRetryable: true,
          details: [detailsWith('migration-down', 'compensation', { outputTail: 'ERROR: canceling statement due to lock timeout' })],
        });
      });
    const record = await failedDeploy('details-undo', world, { migrations });
    expect(record.status).toBe('failed');
    expect(record.leftToFix).toEqual([
      'migrate the schema back down: the down command exited with code 1\n--- migration output (tail) ---\nERROR: canceling statement due to lock timeout',
    ]);
    expect(record.logTail).toBeUndefined();
  });
});
