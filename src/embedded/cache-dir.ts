import os from 'node:os';
import path from 'node:path';

/** Where Berth keeps things that outlive a checkout: built tools, registry storage, proxy state. */
export function berthCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.BERTH_CACHE ?? path.join(env.HOME ?? os.homedir(), '.cache', 'berth');
}
