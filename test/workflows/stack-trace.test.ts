import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startTimeSkipping } from '../support/time-skipping';
import { FakeWorld, withWorkers } from './fake-world';
import { startDeploy } from './deploy-runs';
import { deploySpec } from './specs';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

// The bundle keeps its source map's mappings but not the sources' text (withoutSourcesContent).
test("the Web UI's stack trace of a waiting deploy names the workflow's own source files and lines", async () => {
  const spec = deploySpec({ deploymentId: 'stack-1', approval: 'required' });
  const trace = await withWorkers(env, new FakeWorld(), async () => {
    const handle = await startDeploy(env, spec);
    let stack = '';
    for (let i = 0; i < 50 && !stack.includes('approval'); i++) {
      stack = await handle.query<string>('__stack_trace');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await handle.terminate('test over');
    return stack;
  });
  expect(trace).toMatch(/src\/workflows\/[a-z-]+\.ts:\d+:\d+/);
  expect(trace).toContain('approval-gate.ts');
});
