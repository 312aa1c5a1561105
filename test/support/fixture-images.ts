import type Dockerode from 'dockerode';
import { demoRepository, ensureDemoImages } from '../../src/embedded/demo-images';
import type { Logger } from '../../src/logger';
import { ensureDbappImages, type DbappTag } from './dbapp-images';

/** Repository of the fixture web app inside the test registry: the demo app `npm start` builds too. */
export const fixtureRepository = demoRepository;
/** Tags: healthy v1/v2, and ways a release goes wrong. */
export const fixtureTags = ['v1', 'v2', 'unhealthy', 'crash', 'slow', 'flaky'] as const;
export type FixtureTag = (typeof fixtureTags)[number];

/** Full reference of a fixture image, e.g. 127.0.0.1:5000/fixture/web:v1. */
export function fixtureImage(registry: string, tag: FixtureTag): string {
  return `${registry}/${fixtureRepository}:${tag}`;
}

/**
 * Makes sure the registry holds every fixture tag built from the current
 * fixture files (the web app, with the same builder as `npm start`, and the
 * dbapp); tags whose fixture.hash label already matches are left alone.
 */
export async function ensureFixtureImages(options: { registry: string; docker: Dockerode; logger?: Logger }): Promise<{ built: string[]; dbappBuilt: DbappTag[] }> {
  const [web, dbapp] = await Promise.all([ensureDemoImages({ ...options, tags: fixtureTags }), ensureDbappImages(options)]);
  return { built: web.built, dbappBuilt: dbapp.built };
}
