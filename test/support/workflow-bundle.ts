import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { withoutSourcesContent } from '../../src/worker/workflow-bundles';

const root = join(__dirname, '..', '..');
const workflowsDir = join(root, 'src', 'workflows');

/**
 * Bundles the workflows once per change, so each test file does not pay for
 * webpack; a second bundle carries the failure converter encryption uses.
 */
export async function workflowBundlePath(options: { failureConverterPath?: string } = {}): Promise<string> {
  const bundlePath = join(root, '.berth', 'test', options.failureConverterPath ? 'workflow-bundle-encoded-failures.js' : 'workflow-bundle.js');
  const sources = [...readdirSync(workflowsDir).map((file) => join(workflowsDir, file)), ...(options.failureConverterPath ? [options.failureConverterPath] : [])];
  const newestSource = Math.max(...sources.map((file) => statSync(file).mtimeMs));
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs > newestSource) return bundlePath;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(workflowsDir), logger: quietLogger, failureConverterPath: options.failureConverterPath });
  mkdirSync(join(root, '.berth', 'test'), { recursive: true });
  // Test files bundle in parallel: a reader must never see a half-written bundle.
  const partial = `${bundlePath}.${process.pid}`;
  // As `npm run build` leaves it.
  writeFileSync(partial, withoutSourcesContent(code));
  renameSync(partial, bundlePath);
  return bundlePath;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
