import fs from 'node:fs';
import path from 'node:path';
import { berthCacheDir } from './cache-dir';

const versionFile = path.join('scripts', 'temporal-version');

/** Finds scripts/temporal-version from here upwards, so it works from src/ and from dist/. */
function findVersionFile(fromDir: string): string {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, versionFile);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${versionFile} not found above ${fromDir}`);
  }
}

/** The pinned Temporal CLI version; scripts/temporal-version is its only source. */
export function temporalVersion(): string {
  return fs.readFileSync(findVersionFile(__dirname), 'utf8').trim();
}

/** Where scripts/setup.sh installs the pinned Temporal CLI. */
export function temporalBinaryPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(berthCacheDir(env), 'temporal-cli', temporalVersion(), 'temporal');
}
