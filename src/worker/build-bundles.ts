import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { prebuiltBundlePath, withoutSourcesContent } from './workflow-bundles';

/**
 * `npm run build`'s last step: bundles the compiled workflows once, with and
 * without the failure converter encryption uses, so a worker loads a bundle
 * instead of running webpack at every start.
 */
async function main(): Promise<void> {
  const workflowsPath = require.resolve(path.join(__dirname, '..', 'workflows'));
  const quiet = { log: () => undefined, trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
  for (const encodedFailures of [false, true]) {
    const failureConverterPath = encodedFailures ? require.resolve('../codec/failure-converter') : undefined;
    const { code } = await bundleWorkflowCode({ workflowsPath, failureConverterPath, logger: quiet });
    const target = prebuiltBundlePath(encodedFailures);
    // A worker starting meanwhile must never read half a bundle.
    fs.writeFileSync(`${target}.partial`, withoutSourcesContent(code));
    fs.renameSync(`${target}.partial`, target);
  }
}

main().catch((error) => {
  process.stderr.write(`bundling the workflows failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
