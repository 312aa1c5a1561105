import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { DeployRecord, DeploySpec } from '../../src/model/types';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, withWorkers, type ActName } from './fake-world';
import { finalRecord, startDeploy, startRollback } from './deploy-runs';
import { deploySpec, migrations, rollbackSpec } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

let ids = 0;
function deploy(world: FakeWorld, overrides: Partial<DeploySpec> = {}): Promise<DeployRecord> {
  const spec = deploySpec({ deploymentId: `saga-${++ids}`, ...overrides });
  return withWorkers(env, world, async () => finalRecord(await startDeploy(env, spec)));
}

const forward: ActName[] = ['pullImage', 'preflightDatabase', 'migrate', 'readRoute', 'startCandidate', 'waitHealthy', 'promoteCandidate', 'switchRoute', 'monitorThroughProxy'];

test('a deploy runs its steps in order, drains for its 30 s and succeeds', async () => {
  const world = new FakeWorld();
  const record = await deploy(world, { migrations });
  expect(record.status).toBe('succeeded');
  expect(world.calls).toEqual([...forward, 'retireReleases']);
  expect(record.steps.map((step) => `${step.name}:${step.status}`)).toEqual([
    'pull:succeeded',
    'preflight:succeeded',
    'migrate:succeeded',
    'start:succeeded',
    'health:succeeded',
    'switch:succeeded',
    'monitor:succeeded',
    'drain:succeeded',
    'retire:succeeded',
  ]);
  expect(world.eventNames()).toEqual(['started', 'succeeded']);
  expect(Date.parse(record.finishedAt!) - Date.parse(record.createdAt)).toBeGreaterThanOrEqual(30_000);
});

// Each failing step, and the undos that run after it: newest first, the schema's way back down before all else.
const failures: Array<[ActName, string, ActName[], string]> = [
  ['pullImage', 'pull', [], 'failed'],
  ['preflightDatabase', 'preflight', ['removePulledImage'], 'failed'],
  ['migrate', 'migrate', ['removePulledImage'], 'failed'],
  ['startCandidate', 'start', ['migrateDown', 'removeCandidate', 'removePulledImage'], 'failed'],
  ['waitHealthy', 'health', ['migrateDown', 'removeCandidate', 'removePulledImage'], 'failed'],
  ['switchRoute', 'switch', ['migrateDown', 'restoreRoute', 'removeCandidate', 'removePulledImage'], 'failed'],
  ['monitorThroughProxy', 'monitor', ['migrateDown', 'restoreRoute', 'removeCandidate', 'removePulledImage'], 'rolled_back'],
];

test.each(failures)('%s fails: the undos run in reverse, the migration first', async (activity, step, undos, status) => {
  const world = new FakeWorld().fail(activity, `${activity} broke`);
  const record = await deploy(world, { migrations });
  const failedAt = world.calls.indexOf(activity);
  expect(world.calls.slice(failedAt + 1)).toEqual(undos);
  expect(record).toMatchObject({ status, failedStep: step, reason: `${activity} broke` });
  expect(record.steps.find((s) => s.name === 'compensation')?.status).toBe('succeeded');
  expect(world.eventNames()).toEqual(['started', status]);
});

test('with rollback: never, the schema stays forward and the record says so', async () => {
  const world = new FakeWorld().fail('waitHealthy');
  const record = await deploy(world, { migrations: { ...migrations, rollback: 'never' } });
  expect(world.calls).not.toContain('migrateDown');
  expect(record.schemaNote).toBe('rollback: never: the schema stayed forward at version 2 (it was 1 before this deploy)');
});

test('an undo that keeps failing is reported in leftToFix, and the deploy fails', async () => {
  const world = new FakeWorld().fail('monitorThroughProxy', 'answers 502').fail('restoreRoute', 'caddy is gone');
  const record = await deploy(world);
  expect(world.calls.slice(world.calls.indexOf('monitorThroughProxy') + 1)).toEqual(['restoreRoute', 'removeCandidate', 'removePulledImage']);
  expect(record.status).toBe('failed');
  expect(record.leftToFix).toEqual(['put the proxy route back: caddy is gone']);
  expect(record.steps.find((s) => s.name === 'compensation')).toMatchObject({ status: 'failed', error: 'undo failed: put the proxy route back: caddy is gone' });
  expect(world.eventNames()).toEqual(['started', 'compensation_failed', 'failed']);
});

test('a retire that fails after the switch leaves the new release serving', async () => {
  const world = new FakeWorld().fail('retireReleases', 'docker stop timed out');
  const record = await deploy(world);
  expect(record.status).toBe('succeeded');
  expect(world.calls).not.toContain('restoreRoute');
  expect(record.steps.find((s) => s.name === 'retire')).toMatchObject({ status: 'failed', error: 'docker stop timed out' });
});

test('a rollback re-points to the retained release; when it is unhealthy, it is stopped again and traffic stays', async () => {
  const world = new FakeWorld().fail('waitHealthy', 'r-old never answered');
  const record = await withWorkers(env, world, async () => finalRecord(await startRollback(env, rollbackSpec({ deploymentId: 'rb-1' }))));
  expect(world.calls).toEqual(['readRoute', 'startRetained', 'waitHealthy', 'stopRetained']);
  expect(record).toMatchObject({ kind: 'rollback', status: 'failed', failedStep: 'health', release: 'r-old' });
});

test('a rollback to a pruned release recreates it from its digest', async () => {
  const world = new FakeWorld().on('startRetained', async () => undefined);
  const record = await withWorkers(env, world, async () => finalRecord(await startRollback(env, rollbackSpec({ deploymentId: 'rb-2' }))));
  expect(world.calls).toEqual(['readRoute', 'startRetained', 'pullImage', 'startCandidate', 'waitHealthy', 'promoteCandidate', 'switchRoute', 'monitorThroughProxy', 'retireReleases']);
  expect(record).toMatchObject({ kind: 'rollback', status: 'succeeded', release: 'rb-2' });
});
