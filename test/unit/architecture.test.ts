import path from 'node:path';
import madge from 'madge';

/**
 * The import graph runs one way: api/cli → the client gateway → workflow
 * definitions; worker → activities → adapters → model. A change that folds it
 * back fails here, before it is merged.
 */
const src = path.resolve(__dirname, '..', '..', 'src');

/** Folders (or top-level files) each folder may import, besides itself. */
const allowed: Record<string, string[]> = {
  model: [],
  'logger.ts': ['model'],
  'retry.ts': ['model'],
  config: ['model', 'logger.ts'],
  workflows: ['model', 'activities'],
  docker: ['model', 'logger.ts', 'retry.ts'],
  db: ['model', 'logger.ts', 'retry.ts'],
  proxy: ['model', 'logger.ts', 'retry.ts'],
  notify: ['model', 'config', 'logger.ts'],
  metrics: ['model'],
  temporal: ['model', 'workflows'],
  activities: ['model', 'config', 'docker', 'db', 'proxy', 'notify', 'temporal', 'logger.ts', 'retry.ts'],
  worker: ['model', 'config', 'activities', 'docker', 'db', 'proxy', 'notify', 'logger.ts'],
  api: ['model', 'config', 'temporal', 'workflows', 'metrics', 'logger.ts'],
  cli: ['model', 'config'],
  embedded: ['model', 'config', 'logger.ts', 'retry.ts'],
  /** The payload codec: keys resolved from the configuration, handed to every client and worker. */
  codec: ['model', 'config'],
  'main.ts': ['model', 'config', 'api', 'worker', 'embedded', 'temporal', 'codec', 'logger.ts'],
};

/** What outside code may take from workflows/: message definitions and start options, never workflow code. */
const workflowEntryPoints = new Set(['workflows/definitions.ts', 'workflows/deploy-options.ts']);
/** Workflows see activities as types only (the lint rule checks `import type`); only the index is allowed. */
const activityTypeEntry = 'activities/index.ts';

const layerOf = (file: string) => file.split('/')[0];

describe('the import graph', () => {
  let graph: Record<string, string[]>;
  let cycles: string[][];

  beforeAll(async () => {
    const result = await madge(src, { fileExtensions: ['ts'], tsConfig: path.resolve(src, '..', 'tsconfig.json') });
    graph = result.obj();
    cycles = result.circular();
  });

  it('has no cycles', () => {
    expect(cycles).toEqual([]);
  });

  it('points one way between layers', () => {
    const wrong: string[] = [];
    for (const [file, deps] of Object.entries(graph)) {
      const from = layerOf(file);
      for (const dep of deps) {
        const to = layerOf(dep);
        if (from === to) continue;
        const permitted = allowed[from]?.includes(to) ?? false;
        const entryOk = to !== 'workflows' || from === 'workflows' || workflowEntryPoints.has(dep);
        const activitiesOk = from !== 'workflows' || to !== 'activities' || dep === activityTypeEntry;
        if (!permitted || !entryOk || !activitiesOk) wrong.push(`${file} -> ${dep}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('knows every folder under src', () => {
    const unknown = [...new Set(Object.keys(graph).map(layerOf))].filter((layer) => !(layer in allowed));
    expect(unknown).toEqual([]);
  });
});
