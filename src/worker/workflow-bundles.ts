import fs from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';

/** The compiled code's root: dist/ when run from there, src/ under tsx. */
const codeRoot = path.join(__dirname, '..');

/** Where `npm run build` leaves the prebuilt workflow bundle, with or without the encoded-failures converter. */
export function prebuiltBundlePath(encodedFailures: boolean, root = codeRoot): string {
  return path.join(root, encodedFailures ? 'workflow-bundle-encoded-failures.js' : 'workflow-bundle.js');
}

/** The newest modification time of the workflow code a bundle is built from. */
function newestWorkflowSource(root: string): number {
  const dir = path.join(root, 'workflows');
  return Math.max(0, ...fs.readdirSync(dir).map((file) => fs.statSync(path.join(dir, file)).mtimeMs));
}

/**
 * The worker's workflow code: the bundle `npm run build` made when it is there
 * and not older than the workflows, so the process never loads webpack (tens of
 * MB it keeps, and seconds at each start); otherwise the workflows bundled
 * at start, as under tsx.
 */
export function workflowSource(failureConverterPath: string | undefined, root = codeRoot): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  const bundle = prebuiltBundlePath(failureConverterPath !== undefined, root);
  if (fs.existsSync(bundle) && fs.statSync(bundle).mtimeMs >= newestWorkflowSource(root)) return { workflowBundle: { codePath: bundle } };
  return { workflowsPath: require.resolve(path.join(root, 'workflows')) };
}
