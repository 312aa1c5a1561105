import type { HostDeps } from '../activities';
import { noFaults } from '../activities/faults';
import { proxyFor, type BerthConfig } from '../config/schema';
import { dockerFor } from '../docker/connect';
import { ContainerClient } from '../docker/container-client';
import { DaemonClient } from '../docker/daemon-client';
import { ImageClient } from '../docker/image-client';
import { OneOffRunner } from '../docker/one-off';
import { PortAllocator } from '../docker/port-allocator';
import type { Logger } from '../logger';
import { createProxyDriver } from './create-proxy-driver';

/** Wires the adapters for one Docker host from the validated config. */
export function buildHostDeps(config: BerthConfig, host: string, log: Logger, env: NodeJS.ProcessEnv, faults = noFaults): HostDeps {
  const docker = dockerFor(config.hosts[host].docker);
  const hostLog = log.child({ host });
  const where = config.hosts[host].proxy ? `hosts/${host}/proxy` : 'proxy';
  return {
    host,
    address: config.hosts[host].address,
    daemon: new DaemonClient(docker, hostLog),
    images: new ImageClient(docker, hostLog),
    containers: new ContainerClient(docker, hostLog),
    oneOffs: new OneOffRunner(docker, hostLog),
    ports: new PortAllocator(),
    proxy: createProxyDriver(proxyFor(config, host), { log: hostLog, env, where }),
    registries: config.registries,
    env,
    log: hostLog,
    faults,
  };
}
