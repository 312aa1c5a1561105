import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { createLogger, type Logger } from '../logger';
import { buildDemoRootfs, demoDir, demoHash } from './demo-rootfs';
import { hashLabel, importAndPush, registryHash } from './image-import';

/** Repository of the demo web app in a local registry; the committed berth.yaml deploys it. */
export const demoRepository = 'fixture/web';

/** Pure: the `docker import` changes of one variant: its environment, and the hash that marks it up to date. */
export function demoImportChanges(env: Record<string, string>, hash: string): string[] {
  const envChanges = Object.entries(env).map(([name, value]) => `ENV ${name}=${value}`);
  return ['CMD ["/app/start"]', 'ENV PATH=/bin', ...envChanges, `LABEL ${hashLabel}=${hash}`];
}

/**
 * Makes sure `registry` holds the demo web app under each of `tags` (variants
 * named in demo/web/variants.json), built from the current files; tags whose
 * hash label already matches are left alone. `npm start` asks for v1 and v2,
 * the tests for every variant.
 */
export async function ensureDemoImages(options: { registry: string; docker: Dockerode; tags: readonly string[]; logger?: Logger }): Promise<{ built: string[] }> {
  const { registry, docker, tags } = options;
  const logger = (options.logger ?? createLogger()).child({ component: 'demo-images' });
  const hash = demoHash();
  const present = await Promise.all(tags.map((tag) => registryHash(registry, tag, demoRepository)));
  const stale = tags.filter((_, index) => present[index] !== hash);
  if (stale.length === 0) {
    logger.info({ registry, tags, hash: hash.slice(0, 12) }, 'demo images up to date');
    return { built: [] };
  }
  const variants = JSON.parse(fs.readFileSync(path.join(demoDir, 'variants.json'), 'utf8')) as Record<string, Record<string, string>>;
  const unknown = stale.filter((tag) => !variants[tag]);
  if (unknown.length > 0) throw new Error(`demo images: no variant ${unknown.join(', ')} in ${path.join(demoDir, 'variants.json')}`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-demo-'));
  try {
    const tarFile = path.join(workDir, 'rootfs.tar');
    await buildDemoRootfs(tarFile);
    for (const tag of stale) {
      const image = `${registry}/${demoRepository}:${tag}`;
      logger.info({ image }, 'building demo image');
      await importAndPush(docker, { tarFile, registry, repository: demoRepository, tag, changes: demoImportChanges(variants[tag], hash) });
      logger.info({ image }, 'demo image pushed');
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { built: stale };
}
