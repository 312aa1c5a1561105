import type Dockerode from 'dockerode';
import type { ContainerClient } from '../docker/container-client';
import type { ImageClient } from '../docker/image-client';
import type { PortAllocator } from '../docker/port-allocator';
import type { Logger } from '../logger';
import type { CaddyClient } from '../proxy/caddy-client';
import type { Faults } from './faults';

/** Registry credentials by registry host; the password stays a reference until a pull needs it. */
export type RegistryCredentials = Record<string, { username: string; password: string }>;

/** What the activities of one Docker host are built from. */
export interface HostDeps {
  host: string;
  docker: Dockerode;
  images: ImageClient;
  containers: ContainerClient;
  ports: PortAllocator;
  proxy: CaddyClient;
  /** `host:port` Berth's routes are served on, for probes through the proxy. */
  proxyListen: string;
  registries: RegistryCredentials;
  env: NodeJS.ProcessEnv;
  log: Logger;
  faults: Faults;
}
