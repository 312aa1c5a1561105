import fs from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import { createLogger } from '../../src/logger';
import type { EmbeddedProcess } from '../../src/embedded/child-process';
import { startCaddy } from '../../src/embedded/caddy';
import { ensureDockerd } from '../../src/embedded/dockerd';
import { startRegistry } from '../../src/embedded/registry';
import { berthCacheDir } from '../../src/embedded/cache-dir';
import { startTemporalDevServer, type TemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { startUpstreamDns } from '../../src/embedded/upstream-dns';
import { stopProductionWorld } from './production-world';
import { ensureFixtureImages } from './fixture-images';
import { berthSearchAttributes, dockerSocketPath, worldAddresses, worldLogDir, writeWorld, type StartedProcess } from './world';
import { acquireWorldLock, commandOf, forgetStarted, recordStarted, releaseWorldLock, stopStaleWorld, stopStarted } from './world-lock';

const logFile = (name: string) => path.join(worldLogDir, `${name}.log`);
/** Shared by every checkout, so a responder reused from another run answers from the same files. */
const upstreamDnsStateDir = path.join(berthCacheDir(), 'test-upstream-dns');

/** Starts the real parts the integration tests run against and records them in .berth/test-world.json. */
export default async function globalSetup(): Promise<void> {
  const startedAt = Date.now();
  const logger = createLogger({ name: 'test-world' });
  await acquireWorldLock(logger);
  await stopStaleWorld(logger);
  await stopProductionWorld();
  // Each run's logs start empty, so what is there after a failure is this run's.
  fs.rmSync(worldLogDir, { recursive: true, force: true });

  const handles: Array<{ name: string; handle: EmbeddedProcess }> = [];
  const startedSoFar = (): StartedProcess[] =>
    handles.flatMap(({ name, handle }) => (handle.pid === null ? [] : [{ name, pid: handle.pid, command: commandOf(handle.pid) ?? '' }]));
  const track = <T extends EmbeddedProcess>(name: string, handle: T): T => {
    handles.push({ name, handle });
    recordStarted(startedSoFar());
    return handle;
  };
  const dockerSocket = dockerSocketPath();
  // Docker, registry and images form one chain; Caddy and Temporal start beside it.
  let fixtureImagesBuilt: string[] = [];
  let temporal: TemporalDevServer | undefined;
  const dockerChain = async () => {
    track('dockerd', await ensureDockerd({ socket: dockerSocket, logFile: logFile('dockerd'), logger }));
    track('registry', await startRegistry({ address: worldAddresses.registry, logFile: logFile('registry'), logger }));
    const docker = new Dockerode({ socketPath: dockerSocket });
    ({ built: fixtureImagesBuilt } = await ensureFixtureImages({ registry: worldAddresses.registry, docker, logger }));
  };
  const results = await Promise.allSettled([
    dockerChain(),
    startCaddy({ adminAddress: worldAddresses.caddyAdmin, logFile: logFile('caddy'), logger }).then((caddy) => track('caddy', caddy)),
    startUpstreamDns({ address: worldAddresses.upstreamDns, stateDir: upstreamDnsStateDir, logFile: logFile('upstream-dns'), logger }).then((dns) => track('upstream-dns', dns)),
    startTemporalDevServer({ ...worldAddresses.temporal, searchAttributes: berthSearchAttributes, logFile: logFile('temporal'), logger }).then(
      (server) => (temporal = track('temporal', server)),
    ),
  ]);
  const failures = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
  const started = startedSoFar();
  if (failures.length > 0 || !temporal) {
    await stopStarted(started, logger);
    forgetStarted();
    releaseWorldLock();
    throw new AggregateError(failures.map((failure) => failure.reason), `test world setup failed: ${failures.map((failure) => String(failure.reason)).join('; ')}`);
  }

  const setupMs = Date.now() - startedAt;
  writeWorld({
    ownerPid: process.pid,
    temporalAddress: temporal.address,
    temporalUiUrl: temporal.uiUrl,
    namespace: temporal.namespace,
    caddyAdminAddress: worldAddresses.caddyAdmin,
    caddyListenAddress: worldAddresses.caddyListen,
    upstreamDns: { address: `${worldAddresses.upstreamDns.host}:${worldAddresses.upstreamDns.port}`, stateDir: upstreamDnsStateDir },
    registryAddress: worldAddresses.registry,
    dockerSocket,
    started,
    setupMs,
  });
  logger.info({ setupMs, started: started.map(({ name }) => name), fixtureImagesBuilt }, 'test world ready');
}
