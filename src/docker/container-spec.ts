import type Dockerode from 'dockerode';
import { PermanentError } from '../model/errors';
import type { DeploySpec } from '../model/types';
import { webProcess, type ContainerRole } from '../model/app-types';
import { appOptions } from './app-options';
import { containerName, labels } from './labels';

/** On a named network every release listens on the same port; the container name tells them apart. */
export const containerPort = 8080;

/** What one candidate container is built from. `env` holds resolved secrets and must never be logged. */
export interface ContainerInput {
  spec: DeploySpec;
  /** The deployment id of the release the container runs (its name and release label); `spec.deploymentId` when absent. */
  release?: string;
  pinnedRef: string;
  digest: string;
  /** Host port; required under host networking, ignored otherwise. */
  port?: number;
  env: Record<string, string>;
  /** Which container of the release (`web` replica 0 when absent); only with `spec.app`. */
  role?: ContainerRole;
}

function invalidSpec(message: string): PermanentError {
  return new PermanentError('INVALID_SPEC', message);
}

/** The host port under host networking, checked; undefined on a named network. */
function hostPort(spec: DeploySpec, port: number | undefined): number | undefined {
  if (spec.network !== 'host') return undefined;
  if (port === undefined) throw invalidSpec(`deployment ${spec.deploymentId}: host networking needs a port`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw invalidSpec(`deployment ${spec.deploymentId}: port ${port} is not between 1 and 65535`);
  }
  return port;
}

/**
 * Pure: the create options of a candidate container. Env is sorted by key so
 * the same input always builds the same options; PORT is Berth's to set.
 */
export function buildContainerOptions(input: ContainerInput): Dockerode.ContainerCreateOptions {
  const { spec, pinnedRef, digest, env } = input;
  const release = input.release ?? spec.deploymentId;
  const app = appOptions(release, spec.app, input.role);
  // Background processes take no traffic, so they get no port.
  const isWeb = (input.role?.process ?? webProcess) === webProcess;
  const port = isWeb ? hostPort(spec, input.port) : undefined;
  const finalEnv: Record<string, string> = { ...env, ...app.env, ...(isWeb && { PORT: String(port ?? containerPort) }) };
  for (const key of Object.keys(finalEnv)) {
    if (key === '' || key.includes('=')) throw invalidSpec(`env: "${key}" is not a valid variable name`);
  }
  const containerLabels: Record<string, string> = {
    ...app.userLabels,
    ...app.roleLabels,
    [labels.managed]: 'true',
    [labels.project]: spec.project,
    [labels.environment]: spec.environment,
    [labels.release]: release,
    [labels.deployment]: spec.deploymentId,
    [labels.image]: spec.image,
    [labels.digest]: digest,
  };
  if (port !== undefined) containerLabels[labels.port] = String(port);
  if (spec.preview) containerLabels[labels.instance] = spec.preview.instance;
  return {
    name: app.name ?? containerName(release),
    Image: pinnedRef,
    ...(app.Cmd && { Cmd: app.Cmd }),
    ...(app.User !== undefined && { User: app.User }),
    ...(app.Healthcheck && { Healthcheck: app.Healthcheck }),
    Env: Object.keys(finalEnv)
      .sort()
      .map((key) => `${key}=${finalEnv[key]}`),
    Labels: containerLabels,
    HostConfig: {
      NetworkMode: spec.network,
      // 'no' keeps a crash visible as an exited container while the candidate is judged; promotion switches to unless-stopped.
      RestartPolicy: { Name: 'no' },
      ...app.hostConfig,
    },
  };
}

/** The address the proxy dials for a candidate, as seen from the proxy; `address` is the host's (`hosts.<h>.address`). */
export function upstreamFor(spec: DeploySpec, name: string, port: number | undefined, address: string): string {
  if (spec.network !== 'host') return `${name}:${containerPort}`;
  if (port === undefined) throw invalidSpec(`deployment ${spec.deploymentId}: host networking needs a port`);
  return addressPort(address, port);
}

/** `address:port` for a host's address as configured, an IPv6 one bracketed once. */
export function addressPort(address: string, port: number): string {
  return `${address.includes(':') && !address.startsWith('[') ? `[${address}]` : address}:${port}`;
}

/** The port of a host-networking upstream on `address`, or undefined for another address or a named network. */
export function portOfUpstream(upstream: string | undefined, address: string): number | undefined {
  const match = upstream?.match(/^(.+):(\d+)$/);
  if (!match || match[1].replace(/^\[|\]$/g, '') !== address.replace(/^\[|\]$/g, '')) return undefined;
  return Number(match[2]);
}
