import fs from 'node:fs';
import path from 'node:path';
import { createLogger, type Logger } from '../logger';
import { berthCacheDir } from './cache-dir';
import { borrowedProcess, ownedProcess, spawnToLog, type EmbeddedProcess } from './child-process';
import { httpOk } from './probes';
import { waitUntil } from './wait-until';

export interface RegistryOptions {
  /** host:port to listen on; loopback, so Docker treats it as insecure-allowed. */
  address: string;
  /** Defaults to `${BERTH_CACHE}/registry`, so pushed images survive between runs. */
  storageDir?: string;
  logFile: string;
  readyTimeoutMs?: number;
  logger?: Logger;
}

/** A Docker registry (distribution v2) answering at `address`. */
export interface Registry extends EmbeddedProcess {
  address: string;
  storageDir: string;
}

/** Debian's docker-registry config; YAML is a superset of JSON, so JSON it is. */
export function registryConfig(address: string, storageDir: string): object {
  return {
    version: '0.1',
    log: { level: 'warn', fields: { service: 'registry' } },
    storage: { filesystem: { rootdirectory: path.join(storageDir, 'data') }, delete: { enabled: true } },
    http: { addr: address, headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
}

/** Starts Debian's docker-registry at `address`, or reuses whatever already answers GET /v2/ there. */
export async function startRegistry(options: RegistryOptions): Promise<Registry> {
  const logger = (options.logger ?? createLogger()).child({ component: 'registry' });
  const storageDir = options.storageDir ?? path.join(berthCacheDir(), 'registry');
  const probe = () => httpOk(`http://${options.address}/v2/`);
  if (await probe()) {
    logger.info({ address: options.address }, 'registry already answering; reusing it');
    return { ...borrowedProcess(), address: options.address, storageDir };
  }

  fs.mkdirSync(storageDir, { recursive: true });
  const configFile = path.join(storageDir, `config-${options.address.replace(/[^\w.-]/g, '_')}.yml`);
  fs.writeFileSync(configFile, JSON.stringify(registryConfig(options.address, storageDir), null, 2));
  const startedAt = Date.now();
  const child = await spawnToLog('/usr/bin/docker-registry', ['serve', configFile], { logFile: options.logFile });
  const handle = ownedProcess(child, { name: 'registry', graceMs: 10_000, logger });
  try {
    await waitUntil(probe, { what: `registry at ${options.address}`, timeoutMs: options.readyTimeoutMs ?? 30_000, child, logFile: options.logFile });
  } catch (error) {
    await handle.stop();
    throw error;
  }
  logger.info({ childPid: child.pid, address: options.address, storageDir, readyMs: Date.now() - startedAt }, 'registry ready');
  return { ...handle, address: options.address, storageDir };
}
