import type { ContainerClient } from '../docker/container-client';
import type { DaemonClient } from '../docker/daemon-client';
import type { ImageClient } from '../docker/image-client';
import type { OneOffRunner } from '../docker/one-off';
import type { PortAllocator } from '../docker/port-allocator';
import type { Logger } from '../logger';
import type { ProxyDriver } from '../proxy/driver';
import type { Faults } from './faults';

/** Registry credentials by registry host; the password stays a reference until a pull needs it. */
export type RegistryCredentials = Record<string, { username: string; password: string }>;

/** What the activities of one Docker host are built from. Docker is reached only through its clients here. */
export interface HostDeps {
  host: string;
  /** Where the proxy and the probes reach this host's containers: `127.0.0.1` or the host's private address. */
  address: string;
  daemon: DaemonClient;
  images: ImageClient;
  containers: ContainerClient;
  oneOffs: OneOffRunner;
  ports: PortAllocator;
  /** The proxy in front of this host; its `listen` is where probes through the proxy go. */
  proxy: ProxyDriver;
  registries: RegistryCredentials;
  env: NodeJS.ProcessEnv;
  log: Logger;
  faults: Faults;
}
