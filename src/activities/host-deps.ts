import type Dockerode from 'dockerode';
import type { ContainerClient } from '../docker/container-client';
import type { ImageClient } from '../docker/image-client';
import type { PortAllocator } from '../docker/port-allocator';
import type { Logger } from '../logger';
import type { ProxyDriver } from '../proxy/driver';
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
  /** The proxy in front of this host; its `listen` is where probes through the proxy go. */
  proxy: ProxyDriver;
  registries: RegistryCredentials;
  env: NodeJS.ProcessEnv;
  log: Logger;
  faults: Faults;
}
