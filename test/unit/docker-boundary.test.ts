import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The Docker classes are the only way to Docker: activities get ContainerClient,
 * ImageClient, DaemonClient and OneOffRunner, never a Dockerode. madge leaves
 * packages out of its graph, so this reads the imports itself, types included.
 */
const src = path.resolve(__dirname, '..', '..', 'src');
/** The Docker adapter, and the embedded world that starts a dockerd and imports demo images before any worker runs. */
const allowed = ['docker/', 'embedded/'];

const importsDockerode = /(from\s+|require\(\s*|import\(\s*)['"]dockerode['"]/;

describe('the Docker boundary', () => {
  it('lets only the Docker adapter import dockerode', () => {
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const importers = files.filter((file) => importsDockerode.test(readFileSync(path.join(src, file), 'utf8'))).map((file) => file.split(path.sep).join('/'));
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((file) => !allowed.some((folder) => file.startsWith(folder)))).toEqual([]);
  });
});
