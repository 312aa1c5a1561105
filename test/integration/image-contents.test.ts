import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { buildDist, distMain } from '../support/berth-process';
import { workflowSource } from '../../src/worker/workflow-bundles';

const root = path.join(__dirname, '..', '..');
const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

/** Every file dist/main.js loads (worker bundle entry included), and every package it requires. */
function runtimeGraph(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/require(?:\.resolve)?\(["']([^"']+)["']\)/g)) {
      if (builtins.has(spec)) continue;
      if (spec.startsWith('.')) visit(require.resolve(spec, { paths: [path.dirname(file)] }));
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  visit(entry);
  return { files, packages };
}

/** The final stage's COPY lines as [source, destination], and whether the build stage prunes dev packages. */
function dockerfile(): { copies: string[][]; prunes: boolean } {
  const text = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m);
  const final = stages[stages.length - 1];
  const copies = [...final.matchAll(/^COPY (?:--from=\S+ )?(\S+) (\S+)$/gm)].map(([, from, to]) => [from, to]);
  return { copies, prunes: stages.slice(0, -1).some((stage) => stage.includes('npm prune --omit=dev')) };
}

describe('the Berth image', () => {
  it('copies everything dist/main.js needs at run time', () => {
    buildDist();
    const { files, packages } = runtimeGraph(distMain);
    for (const file of files) expect(path.relative(root, file)).toMatch(/^dist\//);
    // The worker loads the bundles `npm run build` (the image's build stage) leaves in dist/; dist/workflows stays for bundling at start.
    const dist = path.join(root, 'dist');
    expect(files).toContain(path.join(dist, 'worker', 'workflow-bundles.js'));
    expect(workflowSource(undefined, dist)).toEqual({ workflowBundle: { codePath: path.join(dist, 'workflow-bundle.js') } });
    expect(workflowSource('failure-converter.js', dist)).toEqual({ workflowBundle: { codePath: path.join(dist, 'workflow-bundle-encoded-failures.js') } });
    expect(fs.existsSync(path.join(dist, 'workflows', 'index.js'))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.build).toContain('node dist/worker/build-bundles.js');
    expect(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8')).toMatch(/^RUN npm run build/m);

    const { copies, prunes } = dockerfile();
    expect(copies).toEqual(expect.arrayContaining([['/app/dist', './dist'], ['/app/node_modules', './node_modules'], ['package.json', './'], ['scripts/start-berth.sh', './scripts/']]));
    // Berth runs as `npm start` runs it: through the start script, with jemalloc installed for it.
    const final = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').split(/^FROM /m).pop()!;
    expect(final).toMatch(/^RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2/m);
    expect(final).toMatch(/^ENTRYPOINT \["bash", "scripts\/start-berth.sh"\]$/m);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts.start).toMatch(/bash scripts\/start-berth.sh$/);
    // Dev packages are pruned from the image: each package the code loads must be a runtime dependency.
    expect(prunes).toBe(true);
    const { dependencies } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect([...packages].filter((name) => !(name in dependencies))).toEqual([]);
    expect([...packages].sort()).toEqual(expect.arrayContaining(['@temporalio/client', '@temporalio/worker', 'dockerode', 'express', 'pg', 'pino', 'yaml', 'zod']));
  });
});
