import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { createLogger, type Logger } from '../../src/logger';
import { ensureDbappImages, type DbappTag } from './dbapp-images';
import { buildRootfsTar, fixtureDir, fixtureHash } from './fixture-rootfs';
import { drain, hashLabel, registryHash } from './fixture-build';

/** Repository of the fixture web app inside the test registry. */
export const fixtureRepository = 'fixture/web';
/** Tags: healthy v1/v2, and ways a release goes wrong. */
export const fixtureTags = ['v1', 'v2', 'unhealthy', 'crash', 'slow', 'flaky'] as const;
export type FixtureTag = (typeof fixtureTags)[number];


/** Full reference of a fixture image, e.g. 127.0.0.1:5000/fixture/web:v1. */
export function fixtureImage(registry: string, tag: FixtureTag): string {
  return `${registry}/${fixtureRepository}:${tag}`;
}



function importChanges(env: Record<string, string>, hash: string): string[] {
  const envChanges = Object.entries(env).map(([name, value]) => `ENV ${name}=${value}`);
  return ['CMD ["/app/start"]', 'ENV PATH=/bin', ...envChanges, `LABEL ${hashLabel}=${hash}`];
}

/**
 * Makes sure the registry holds every fixture tag built from the current
 * fixture files (the web app and the dbapp); tags whose fixture.hash label
 * already matches are left alone.
 */
export async function ensureFixtureImages(options: { registry: string; docker: Dockerode; logger?: Logger }): Promise<{ built: FixtureTag[]; dbappBuilt: DbappTag[] }> {
  const [web, dbapp] = await Promise.all([ensureWebImages(options), ensureDbappImages(options)]);
  return { built: web.built, dbappBuilt: dbapp.built };
}

async function ensureWebImages(options: { registry: string; docker: Dockerode; logger?: Logger }): Promise<{ built: FixtureTag[] }> {
  const { registry, docker } = options;
  const logger = (options.logger ?? createLogger()).child({ component: 'fixture-images' });
  const hash = fixtureHash();
  const present = await Promise.all(fixtureTags.map((tag) => registryHash(registry, tag, fixtureRepository)));
  const stale = fixtureTags.filter((_, index) => present[index] !== hash);
  if (stale.length === 0) {
    logger.info({ registry, hash: hash.slice(0, 12) }, 'fixture images up to date');
    return { built: [] };
  }

  const variants = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'variants.json'), 'utf8')) as Record<FixtureTag, Record<string, string>>;
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fixture-'));
  try {
    const tarFile = path.join(workDir, 'rootfs.tar');
    await buildRootfsTar(tarFile);
    for (const tag of stale) {
      const image = fixtureImage(registry, tag);
      logger.info({ image }, 'importing fixture image');
      await drain(docker, await docker.importImage(tarFile, { repo: `${registry}/${fixtureRepository}`, tag, changes: importChanges(variants[tag], hash) }), `import ${image}`);
      logger.info({ image }, 'pushing fixture image');
      await drain(docker, await docker.getImage(`${registry}/${fixtureRepository}`).push({ tag }), `push ${image}`);
      logger.info({ image }, 'fixture image pushed');
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { built: stale };
}
