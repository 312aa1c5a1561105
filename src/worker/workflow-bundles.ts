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

/**
 * The bundle with its inline source map's `sourcesContent` removed (about two
 * thirds of the bundle). The mappings stay, so the Web UI's stack traces still
 * name the original files and lines. The SDK reads the map in the main thread
 * and again in the workflow thread, and keeps it for the worker's life.
 */
export function withoutSourcesContent(code: string): string {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  const base64 = at < 0 ? -1 : code.indexOf('base64,', at);
  if (base64 < 0) return code;
  const map = JSON.parse(Buffer.from(code.slice(base64 + 'base64,'.length).trimEnd(), 'base64').toString('utf8')) as { sourcesContent?: unknown };
  delete map.sourcesContent;
  return `${code.slice(0, base64 + 'base64,'.length)}${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
