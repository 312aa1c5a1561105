import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const root = join(__dirname, '..', '..');
const workflowsDir = join(root, 'src', 'workflows');
const bundlePath = join(root, '.berth', 'test', 'workflow-bundle.js');

/** Bundles the workflows once per change, so each test file does not pay for webpack. */
export async function workflowBundlePath(): Promise<string> {
  const newestSource = Math.max(...readdirSync(workflowsDir).map((file) => statSync(join(workflowsDir, file)).mtimeMs));
  if (existsSync(bundlePath) && statSync(bundlePath).mtimeMs > newestSource) return bundlePath;
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(workflowsDir), logger: quietLogger });
  mkdirSync(join(root, '.berth', 'test'), { recursive: true });
  // Test files bundle in parallel: a reader must never see a half-written bundle.
  const partial = `${bundlePath}.${process.pid}`;
  writeFileSync(partial, code);
  renameSync(partial, bundlePath);
  return bundlePath;
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
