import fs from 'node:fs';
import path from 'node:path';

/**
 * Fixed loopback addresses of the integration test world; they differ from
 * Berth's defaults so a Berth running on the same machine is left alone.
 */
export const worldAddresses = {
  temporal: { ip: '127.0.0.1', port: 7243, uiPort: 8243, namespace: 'default' },
  caddyAdmin: '127.0.0.1:2119',
  /** Where Berth's Caddy routes listen in tests. */
  caddyListen: '127.0.0.1:8188',
  /** Berth's upstream responder beside that Caddy (UDP). */
  upstreamDns: { host: '127.0.0.1', port: 2153 },
  registry: '127.0.0.1:5000',
} as const;

export { berthSearchAttributes } from '../../src/embedded/start-embedded';

export const worldDir = path.resolve(__dirname, '..', '..', '.berth');
export const worldStateFile = path.join(worldDir, 'test-world.json');
export const worldLogDir = path.join(worldDir, 'logs');

/** A process global setup started: teardown stops it by PID after checking its command line. */
export interface StartedProcess {
  name: string;
  pid: number;
  /** Executable path as in /proc/<pid>/cmdline, so a reused PID is never signalled. */
  command: string;
}

/** What global setup wrote: where each part answers, and what it started. */
export interface WorldState {
  ownerPid: number;
  temporalAddress: string;
  temporalUiUrl: string;
  namespace: string;
  caddyAdminAddress: string;
  caddyListenAddress: string;
  /** Turns on switching through the upstream responder for every Caddy config the tests write. */
  upstreamDns: { address: string; stateDir: string };
  registryAddress: string;
  dockerSocket: string;
  started: StartedProcess[];
  setupMs: number;
}

/** The Docker socket tests use: DOCKER_HOST when it is a unix socket, else Docker's default. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

/** The running test world, as global setup recorded it. */
export function readWorld(): WorldState {
  if (!fs.existsSync(worldStateFile)) {
    throw new Error(`${worldStateFile} is missing: run integration tests with \`jest --selectProjects integration\` so global setup starts the test world`);
  }
  return JSON.parse(fs.readFileSync(worldStateFile, 'utf8')) as WorldState;
}

export function writeWorld(state: WorldState): void {
  fs.mkdirSync(worldDir, { recursive: true });
  fs.writeFileSync(worldStateFile, `${JSON.stringify(state, null, 2)}\n`);
}
