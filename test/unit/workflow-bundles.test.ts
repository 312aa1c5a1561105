import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuiltBundlePath, workflowSource } from '../../src/worker/workflow-bundles';

describe('which workflow code a worker loads', () => {
  let root: string;
  const at = (file: string, seconds: number) => {
    fs.writeFileSync(file, '');
    fs.utimesSync(file, seconds, seconds);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-bundles-'));
    fs.mkdirSync(path.join(root, 'workflows'));
    at(path.join(root, 'workflows', 'index.js'), 1000);
    at(path.join(root, 'workflows', 'deploy-workflow.js'), 2000);
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('loads the prebuilt bundle when it is not older than any workflow file', () => {
    at(prebuiltBundlePath(false, root), 2000);
    expect(workflowSource(undefined, root)).toEqual({ workflowBundle: { codePath: path.join(root, 'workflow-bundle.js') } });
  });

  it('loads the bundle with the encoded-failures converter when encryption gives one', () => {
    at(prebuiltBundlePath(false, root), 3000);
    at(prebuiltBundlePath(true, root), 3000);
    expect(workflowSource('/x/failure-converter.js', root)).toEqual({ workflowBundle: { codePath: path.join(root, 'workflow-bundle-encoded-failures.js') } });
  });

  it('bundles at start when the prebuilt bundle is older than a workflow file (built before the last change)', () => {
    at(prebuiltBundlePath(false, root), 1500);
    expect(workflowSource(undefined, root)).toEqual({ workflowsPath: path.join(root, 'workflows', 'index.js') });
  });

  it('bundles at start when there is no prebuilt bundle (under tsx)', () => {
    at(prebuiltBundlePath(false, root), 3000);
    expect(workflowSource('/x/failure-converter.js', root)).toEqual({ workflowsPath: path.join(root, 'workflows', 'index.js') });
  });
});
