import path from 'node:path';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import Dockerode from 'dockerode';
import { parseImageRef } from '../model/image-ref';
import { startCaddy } from './caddy';
import type { EmbeddedProcess } from './child-process';
import { demoRepository, ensureDemoImages } from './demo-images';
import { ensureDockerd } from './dockerd';
import { startRegistry } from './registry';
import { startTemporalDevServer } from './temporal-dev-server';
import { startUpstreamDns } from './upstream-dns';
import { berthSearchAttributes } from '../model/search-attributes';

export { berthSearchAttributes } from '../model/search-attributes';

export interface Embedded {
  /** Set when Berth runs its own Temporal dev server. */
  temporalAddress: string;
  uiUrl?: string;
  stop(): Promise<void>;
}

const loopback = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** The demo tags the README's first deploy uses. */
export const demoTags = ['v1', 'v2'] as const;

/**
 * Pure: the loopback registries the projects' images live in, each with
 * whether the demo app is among them (then its demo tags are built there).
 */
export function localRegistries(config: BerthConfig): Array<{ address: string; demo: boolean }> {
  const found = new Map<string, boolean>();
  for (const project of Object.values(config.projects)) {
    const ref = parseImageRef(project.image);
    if (!loopback.has(ref.registry.replace(/:\d+$/, ''))) continue;
    found.set(ref.registry, (found.get(ref.registry) ?? false) || ref.path === demoRepository);
  }
  return [...found].map(([address, demo]) => ({ address, demo }));
}

/**
 * The embedded default: with no `temporal.address` configured, Berth runs the
 * Temporal dev server (state under .berth/), and starts dockerd, Caddy and a
 * registry for images on 127.0.0.1 when none answers on this machine, with the
 * demo app's images in it. With Temporal configured it starts nothing.
 */
export async function startEmbedded(config: BerthConfig, log: Logger, stateDir = path.resolve('.berth')): Promise<Embedded> {
  if (config.temporal?.address) return { temporalAddress: config.temporal.address, stop: async () => undefined };
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
    // The README's first deploy pulls from a registry on this machine: run it, and put the demo app in it.
    // Only a daemon on this machine can push to (and pull from) a loopback registry.
    const localDocker = Object.values(config.hosts).find((host) => host.docker.startsWith('unix://'));
    for (const { address, demo } of localRegistries(config)) {
      started.push(await startRegistry({ address, logFile: path.join(stateDir, 'logs', 'registry.log'), logger: log }));
      if (demo && localDocker) {
        const docker = new Dockerode({ socketPath: localDocker.docker.slice('unix://'.length) });
        await ensureDemoImages({ registry: address, docker, tags: demoTags, logger: log });
      }
    }
    const admin = config.proxy.driver === 'caddy' ? new URL(config.proxy.adminUrl) : undefined;
    if (admin && loopback.has(admin.hostname)) {
      started.push(await startCaddy({ adminAddress: admin.host, logFile: path.join(stateDir, 'logs', 'caddy.log'), logger: log }));
      // The responder Caddy's routes ask for their upstreams runs beside Caddy, outside the worker.
      if (config.proxy.driver === 'caddy' && config.proxy.upstreamDns) {
        const { address, stateDir: dnsStateDir } = config.proxy.upstreamDns;
        started.push(await startUpstreamDns({ address, stateDir: dnsStateDir, logFile: path.join(stateDir, 'logs', 'upstream-dns.log'), logger: log, restart: true }));
      }
    }
    const temporal = await startTemporalDevServer({
      ip: '127.0.0.1',
      port: 7233,
      uiPort: 8233,
      dbFile: path.join(stateDir, 'temporal.db'),
      namespace: 'default',
      searchAttributes: berthSearchAttributes,
      ...(config.temporal?.encryption && { uiCodecEndpoint: `http://${config.api.listen.host}:${config.api.listen.port}/codec` }),
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
