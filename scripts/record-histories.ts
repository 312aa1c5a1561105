/**
 * Records the workflow histories the replay test checks the workflow code
 * against (test/histories/<workflowType>/<situation>.json). Run it after a
 * deliberate, patched() change to workflow code, and commit what it writes:
 *
 *   npx tsx scripts/record-histories.ts [part of a scenario's name]
 *
 * It needs the time-skipping test server that `scripts/setup.sh test` fetches.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startTimeSkipping } from '../test/support/time-skipping';
import { scenarios } from '../test/workflows/scenarios';

const historiesDir = join(__dirname, '..', 'test', 'histories');

async function main(): Promise<void> {
  const env = await startTimeSkipping();
  try {
    const only = process.argv[2];
    for (const scenario of scenarios.filter((s) => !only || new RegExp(only).test(s.name))) {
      const startedAt = Date.now();
      for (const recording of await scenario.run(env)) {
        const history = await env.client.workflow.getHandle(recording.workflowId, recording.runId).fetchHistory();
        const path = join(historiesDir, `${recording.file}.json`);
        mkdirSync(dirname(path), { recursive: true });
        // Pretty-printed, so a re-recording reads as a diff.
        writeFileSync(path, JSON.stringify(history, null, 1) + '\n');
        console.log(`${scenario.name}: ${path} (${history.events?.length ?? 0} events, ${Date.now() - startedAt} ms)`);
      }
    }
  } finally {
    await env.teardown();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
