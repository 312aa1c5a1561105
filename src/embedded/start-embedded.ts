import path from 'node:path';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import { startCaddy } from './caddy';
import type { EmbeddedProcess } from './child-process';
import { ensureDockerd } from './dockerd';
import { startTemporalDevServer } from './temporal-dev-server';
import { berthSearchAttributes } from '../model/search-attributes';

export { berthSearchAttributes } from '../model/search-attributes';

export interface Embedded {
  /** Set when Berth runs its own Temporal dev server. */
  temporalAddress: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The embedded default: with no `temporal.address` configured, Berth runs the
 * Temporal dev server (state under .berth/), and starts dockerd and Caddy when
 * none answers on this machine. With Temporal configured it starts nothing.
 */
export async function startEmbedded(config: BerthConfig, log: Logger, stateDir = path.resolve('.berth')): Promise<Embedded> {
  if (config.temporal) return { temporalAddress: config.temporal.address, stop: async () => undefined };
  const started: EmbeddedProcess[] = [];
  const stop = async () => {
    for (const part of started.reverse()) await part.stop();
  };
  try {
    for (const host of Object.values(config.hosts)) {
      if (host.docker.startsWith('unix://')) {
        started.push(await ensureDockerd({ socket: host.docker.slice('unix://'.length), logFile: path.join(stateDir, 'logs', 'dockerd.log'), logger: log }));
      }
    }
    const admin = new URL(config.proxy.adminUrl);
    if (loopback.has(admin.hostname)) {
      started.push(await startCaddy({ adminAddress: admin.host, logFile: path.join(stateDir, 'logs', 'caddy.log'), logger: log }));
    }
    const temporal = await startTemporalDevServer({
      ip: '127.0.0.1',
      port: 7233,
      uiPort: 8233,
      dbFile: path.join(stateDir, 'temporal.db'),
      namespace: 'default',
      searchAttributes: berthSearchAttributes,
      logFile: path.join(stateDir, 'logs', 'temporal.log'),
      logger: log,
    });
    started.push(temporal);
    return { temporalAddress: temporal.address, uiUrl: temporal.uiUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
