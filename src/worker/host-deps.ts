import type { HostDeps } from '../activities';
import { noFaults } from '../activities/faults';
import type { BerthConfig } from '../config/schema';
import { dockerFor } from '../docker/connect';
import { ContainerClient } from '../docker/container-client';
import { ImageClient } from '../docker/image-client';
import { PortAllocator } from '../docker/port-allocator';
import type { Logger } from '../logger';
import { CaddyClient } from '../proxy/caddy-client';
import { formatListen } from '../proxy/caddy-routes';

/** Wires the adapters for one Docker host from the validated config. */
export function buildHostDeps(config: BerthConfig, host: string, log: Logger, env: NodeJS.ProcessEnv, faults = noFaults): HostDeps {
  const docker = dockerFor(config.hosts[host].docker);
  const hostLog = log.child({ host });
  return {
    host,
    docker,
    images: new ImageClient(docker, hostLog),
    containers: new ContainerClient(docker, hostLog),
    ports: new PortAllocator(),
    proxy: new CaddyClient(
      { adminUrl: config.proxy.adminUrl, server: config.proxy.server, listen: formatListen(config.proxy.listen), tls: config.proxy.tls },
      hostLog,
    ),
    proxyListen: formatListen(config.proxy.listen),
    registries: config.registries,
    env,
    log: hostLog,
    faults,
  };
}
