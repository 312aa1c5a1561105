import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prebuiltBundlePath, withoutSourcesContent, workflowSource } from '../../src/worker/workflow-bundles';

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

describe("the prebuilt bundle's source map", () => {
  const inline = (map: object) => `//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}`;
  const mapOf = (code: string) => JSON.parse(Buffer.from(code.slice(code.indexOf('base64,') + 7), 'base64').toString('utf8')) as Record<string, unknown>;

  it('keeps the code and the mappings, and drops the sources it would otherwise hold twice', () => {
    const map = { version: 3, file: 'main.js', sources: ['webpack:///src/workflows/deploy.ts'], names: [], mappings: 'AAAA;AACA', sourcesContent: ['export async function deploy() {}\n'] };
    const code = `const x = 1;\n${inline(map)}`;
    const stripped = withoutSourcesContent(code);
    expect(stripped.startsWith('const x = 1;\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,')).toBe(true);
    const { sourcesContent, ...rest } = map;
    expect(sourcesContent).toHaveLength(1);
    expect(mapOf(stripped)).toEqual(rest);
  });

  it('leaves a bundle without an inline map as it is', () => {
    expect(withoutSourcesContent('const x = 1;\n')).toBe('const x = 1;\n');
  });
});
