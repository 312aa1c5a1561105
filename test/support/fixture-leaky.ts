import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { buildDemoRootfs, demoHash } from '../../src/embedded/demo-rootfs';
import { drain, hashLabel, registryHash } from '../../src/embedded/image-import';

/** The fixture web rootfs with another command: an app that prints its secrets, as many do on a connection error, then dies. */
export const leakyRepository = 'fixture/leaky';
export const leakyTag = 'crash';

const script = [
  'echo "starting with DATABASE_URL=$DATABASE_URL"',
  'echo "API_KEY=$API_KEY"',
  'echo "fatal: could not connect to $DATABASE_URL (password $DB_PASSWORD)" >&2',
  'exit 3',
].join('; ');

/** Builds `fixture/leaky:crash` from local files when the registry lacks this version of it; returns its repository. */
export async function ensureLeakyImage(options: { registry: string; docker: Dockerode }): Promise<string> {
  const { registry, docker } = options;
  const hash = createHash('sha256').update(demoHash()).update(script).digest('hex');
  const repository = `${registry}/${leakyRepository}`;
  if ((await registryHash(registry, leakyTag, leakyRepository)) === hash) return repository;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-leaky-'));
  try {
    const tarFile = path.join(workDir, 'rootfs.tar');
    await buildDemoRootfs(tarFile);
    const changes = [`CMD ${JSON.stringify(['/bin/sh', '-c', script])}`, 'ENV PATH=/bin', `LABEL ${hashLabel}=${hash}`];
    await drain(docker, await docker.importImage(tarFile, { repo: repository, tag: leakyTag, changes }), `import ${repository}:${leakyTag}`);
    await drain(docker, await docker.getImage(repository).push({ tag: leakyTag }), `push ${repository}:${leakyTag}`);
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return repository;
}
