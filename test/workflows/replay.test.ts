import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { workflowTypes } from '../../src/workflows/definitions';
import { quietRuntime } from '../support/time-skipping';
import { workflowBundlePath } from '../support/workflow-bundle';

const historiesDir = join(__dirname, '..', 'histories');
const files = readdirSync(historiesDir, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.json'))
  .sort();

test('there are recorded histories for every workflow type', () => {
  expect([...new Set(files.map((file) => file.split('/')[0]))].sort()).toEqual(Object.values(workflowTypes).sort());
});

/**
 * Deploys already running must finish on the new code: each recorded history
 * replays against the current workflows without a nondeterminism error.
 * A failure here means a change needs `patched()` (see the README).
 */
test('every recorded history replays against the current workflow code', async () => {
  // The files hold fetchHistory()'s objects as JSON; fromObject is their inverse. (The SDK's
  // historyFromJSON expects proto3 JSON, and trips over npm's duplicate protobufjs copies.)
  const histories = files.map((file) => ({ workflowId: file, history: temporal.api.history.v1.History.fromObject(JSON.parse(readFileSync(join(historiesDir, file), 'utf8'))) }));
  quietRuntime();
  const failed: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: await workflowBundlePath() } }, histories)) {
    if (result.error) failed.push(`${result.workflowId}: ${result.error.message}`);
  }
  expect(failed).toEqual([]);
  expect(files.length).toBeGreaterThanOrEqual(15);
});
