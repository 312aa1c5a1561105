import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../logger';
import { berthCacheDir } from './cache-dir';
import { borrowedProcess, ownedProcess, spawnToLog, type EmbeddedProcess } from './child-process';
import { httpOk } from './probes';
import { waitUntil } from './wait-until';

export interface CaddyOptions {
  /** host:port of Caddy's admin API; keep it on loopback. */
  adminAddress: string;
  logFile: string;
  /** Caddy's XDG data/config home; defaults to `${BERTH_CACHE}/caddy/<admin port>`. */
  stateDir?: string;
  readyTimeoutMs?: number;
  logger?: Logger;
}

/** A Caddy whose admin API answers at `adminAddress`; Berth adds its routes through it. */
export interface Caddy extends EmbeddedProcess {
  adminAddress: string;
}

/** Only the admin listener: Berth owns the rest of the config via the admin API. */
export function initialCaddyConfig(adminAddress: string): object {
  // Not persisting keeps a restart from resurrecting stale routes.
  return { admin: { listen: adminAddress, config: { persist: false } } };
}

/** Starts Debian's `caddy run`, or reuses whatever already answers GET /config/ at the admin address. */
export async function startCaddy(options: CaddyOptions): Promise<Caddy> {
  const logger = (options.logger ?? createLogger()).child({ component: 'caddy' });
  const probe = () => httpOk(`http://${options.adminAddress}/config/`);
  if (await probe()) {
    logger.info({ adminAddress: options.adminAddress }, 'caddy admin API already answering; reusing it');
    return { ...borrowedProcess(), adminAddress: options.adminAddress };
  }

  const stateDir = options.stateDir ?? path.join(berthCacheDir(), 'caddy', options.adminAddress.replace(/[^\w.-]/g, '_'));
  fs.mkdirSync(stateDir, { recursive: true });
  const configFile = path.join(stateDir, 'initial-config.json');
  fs.writeFileSync(configFile, JSON.stringify(initialCaddyConfig(options.adminAddress)));
  // Caddy keeps certificates and autosaves under XDG dirs; point them at a dir we own, not $HOME.
  const env = { ...process.env, XDG_DATA_HOME: path.join(stateDir, 'data'), XDG_CONFIG_HOME: path.join(stateDir, 'config') };
  const startedAt = Date.now();
  const child = await spawnToLog('/usr/bin/caddy', ['run', '--config', configFile], { logFile: options.logFile, env, cwd: stateDir });
  const handle = ownedProcess(child, { name: 'caddy', graceMs: 10_000, logger });
  try {
    await waitUntil(probe, { what: `caddy admin API at ${options.adminAddress}`, timeoutMs: options.readyTimeoutMs ?? 30_000, child, logFile: options.logFile });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  logger.info({ childPid: child.pid, adminAddress: options.adminAddress, readyMs: Date.now() - startedAt }, 'caddy ready');
  return { ...handle, adminAddress: options.adminAddress };
}
