import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type Dockerode from 'dockerode';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { createLogger, type Logger } from '../../src/logger';
import { busyboxPath } from '../../src/embedded/demo-rootfs';
import { drain, hashLabel, registryHash } from '../../src/embedded/image-import';

const run = promisify(execFile);

/** The fixture app with a PostgreSQL schema (test/fixtures/dbapp), in the test registry. */
export const dbappRepository = 'fixture/dbapp';
/**
 * v1: items table, built-in files 001; v2: adds items.price, files 001-003;
 * v2-unhealthy: v2 whose /health fails; broken: its migration 3 (and file 003) fail;
 * drift: v2 with an already-applied file 001 edited.
 */
export const dbappTags = ['v1', 'v2', 'v2-unhealthy', 'broken', 'drift'] as const;
export type DbappTag = (typeof dbappTags)[number];

export const dbappDir = path.resolve(__dirname, '..', 'fixtures', 'dbapp');
/** Bump when the way the image is assembled changes (not its files: those are hashed). */
const recipeVersion = 'fixture-dbapp/1';

interface Variant {
  env: Record<string, string>;
  /** The directory under migrations/ copied to /app/migrations. */
  migrations: string;
}

export function dbappImage(registry: string, tag: DbappTag): string {
  return `${registry}/${dbappRepository}:${tag}`;
}

/** Every file under dir, relative, sorted: the hash must not depend on readdir order. */
function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(dir, path.join(prefix, entry.name)) : [path.join(prefix, entry.name)]))
    .sort();
}

function hashFiles(hash: ReturnType<typeof createHash>, files: string[]): void {
  for (const file of files) hash.update(`\0${file}\0`).update(fs.readFileSync(path.join(dbappDir, file)));
}

/** The compiled app depends on its Go sources and the toolchain, nothing else. */
async function binaryKey(): Promise<string> {
  const { stdout: goVersion } = await run('go', ['version']);
  const hash = createHash('sha256').update(goVersion);
  hashFiles(hash, filesUnder(dbappDir).filter((file) => /^(go\.mod|go\.sum|[^/]+\.go)$/.test(file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The static dbapp binary, built once per source change into the cache
 * outside the repo (CGO off: the image has no libc). Reruns reuse it.
 */
export async function dbappBinary(logger: Logger): Promise<string> {
  const dir = path.join(berthCacheDir(), 'fixtures', `dbapp-${await binaryKey()}`);
  const binary = path.join(dir, 'dbapp');
  if (fs.existsSync(binary)) return binary;
  fs.mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}.partial`;
  const startedAt = Date.now();
  logger.info({ binary }, 'building the dbapp fixture (Go, once per source change)');
  await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', partial, '.'], {
    cwd: dbappDir,
    env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-buildvcs=false' },
    maxBuffer: 16 * 1024 * 1024,
  });
  fs.renameSync(partial, binary);
  logger.info({ binary, buildMs: Date.now() - startedAt }, 'built the dbapp fixture');
  return binary;
}

/** Hash of everything that ends up in the dbapp images. */
export function dbappHash(): string {
  const hash = createHash('sha256').update(recipeVersion);
  hashFiles(hash, filesUnder(dbappDir));
  return hash.update('\0busybox\0').update(fs.readFileSync(busyboxPath)).digest('hex');
}


/** busybox (for /bin/sh), the app and its migrate script in /app, the variant's SQL files in /app/migrations. */
async function buildRootfsTar(binary: string, variant: Variant, outFile: string): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dbapp-rootfs-'));
  try {
    for (const dir of ['bin', 'app/migrations', 'etc', 'tmp']) fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.chmodSync(path.join(root, 'tmp'), 0o1777);
    fs.copyFileSync(busyboxPath, path.join(root, 'bin', 'busybox'));
    fs.chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
    for (const applet of ['sh', 'sleep', 'cat', 'ls', 'echo', 'env']) fs.symlinkSync('busybox', path.join(root, 'bin', applet));
    fs.copyFileSync(binary, path.join(root, 'app', 'dbapp'));
    fs.copyFileSync(path.join(dbappDir, 'migrate'), path.join(root, 'app', 'migrate'));
    for (const file of ['dbapp', 'migrate']) fs.chmodSync(path.join(root, 'app', file), 0o755);
    const sqlDir = path.join(dbappDir, 'migrations', variant.migrations);
    for (const file of fs.readdirSync(sqlDir)) fs.copyFileSync(path.join(sqlDir, file), path.join(root, 'app', 'migrations', file));
    await run('tar', ['--owner=0', '--group=0', '--numeric-owner', '--sort=name', '--mtime=@0', '-C', root, '-cf', outFile, '.']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}


/** Makes sure the registry holds every dbapp tag built from the current files; matching tags are left alone. */
export async function ensureDbappImages(options: { registry: string; docker: Dockerode; logger?: Logger }): Promise<{ built: DbappTag[] }> {
  const { registry, docker } = options;
  const logger = (options.logger ?? createLogger()).child({ component: 'fixture-images' });
  const hash = dbappHash();
  const present = await Promise.all(dbappTags.map((tag) => registryHash(registry, tag, dbappRepository)));
  const stale = dbappTags.filter((_, index) => present[index] !== hash);
  if (stale.length === 0) {
    logger.info({ registry, repository: dbappRepository, hash: hash.slice(0, 12) }, 'dbapp fixture images up to date');
    return { built: [] };
  }
  const variants = JSON.parse(fs.readFileSync(path.join(dbappDir, 'variants.json'), 'utf8')) as Record<DbappTag, Variant>;
  const binary = await dbappBinary(logger);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-dbapp-'));
  try {
    for (const tag of stale) {
      const image = dbappImage(registry, tag);
      const tarFile = path.join(workDir, `${tag}.tar`);
      await buildRootfsTar(binary, variants[tag], tarFile);
      const changes = ['CMD ["/app/dbapp", "serve"]', 'ENV PATH=/bin:/app', ...Object.entries(variants[tag].env).map(([k, v]) => `ENV ${k}=${v}`), `LABEL ${hashLabel}=${hash}`];
      logger.info({ image }, 'importing fixture image');
      await drain(docker, await docker.importImage(tarFile, { repo: `${registry}/${dbappRepository}`, tag, changes }), `import ${image}`);
      await drain(docker, await docker.getImage(`${registry}/${dbappRepository}`).push({ tag }), `push ${image}`);
      logger.info({ image }, 'fixture image pushed');
    }
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
  return { built: stale };
}
