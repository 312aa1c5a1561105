import { upstreamFor } from '../docker/container-spec';
import { roleContainerName } from '../docker/labels';
import { webProcess, type AppSpec, type ContainerRole } from '../model/app-types';
import { joinUpstreams } from '../model/upstream-list';
import type { Candidate, DeploySpec, ProcessContainer, PulledImage, ReleaseContainer, ReplicaContainer } from '../model/types';
import type { HostDeps } from './host-deps';
import { startReleaseContainer } from './release-container';

/** Pure: every container a release runs: web replicas first, then each process's replicas, by name. */
export function rolesOf(app: AppSpec): ContainerRole[] {
  const roles: ContainerRole[] = [];
  for (let replica = 0; replica < app.replicas; replica++) roles.push({ process: webProcess, replica });
  for (const process of Object.keys(app.processes).sort()) {
    for (let replica = 0; replica < app.processes[process].replicas; replica++) roles.push({ process, replica });
  }
  return roles;
}

/** Pure: a release's containers as one candidate: replica 0's fields, every replica's upstream. */
export function candidateOf(spec: DeploySpec, containers: ReleaseContainer[], address: string): Candidate {
  const ordered = [...containers].sort((a, b) => (a.replica ?? 0) - (b.replica ?? 0));
  const replicas: ReplicaContainer[] = ordered
    .filter((c) => (c.process ?? webProcess) === webProcess)
    .map((c) => ({ containerId: c.id, containerName: c.name, ...(c.port !== undefined && { port: c.port }), upstream: upstreamFor(spec, c.name, c.port, address) }));
  const processes: ProcessContainer[] = ordered
    .filter((c) => c.process !== undefined && c.process !== webProcess)
    .map((c) => ({ containerId: c.id, containerName: c.name, process: c.process!, replica: c.replica ?? 0 }));
  if (replicas.length === 0) throw new Error(`release of ${spec.project}/${spec.environment} has no web container`);
  return { ...replicas[0], upstream: joinUpstreams(replicas.map((r) => r.upstream)), replicas, processes };
}

/**
 * Starts every container of a release: web replicas, each on its own port,
 * then the background processes. Idempotent by container name, like the
 * one-container start, so a retry adopts what the first attempt made.
 */
export async function startRelease(deps: HostDeps, spec: DeploySpec & { app: AppSpec }, image: PulledImage, env: Record<string, string>): Promise<Candidate> {
  const started: ReleaseContainer[] = [];
  // Listed once: what an earlier attempt made is all there before this one starts anything.
  const earlier = await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance);
  for (const role of rolesOf(spec.app)) {
    const name = roleContainerName(spec.deploymentId, role.process, role.replica);
    const existing = earlier.find((release) => release.name === name);
    const { id, port } = await startReleaseContainer(deps, { spec, image, port: existing?.port, role, env });
    deps.log.info({ deploymentId: spec.deploymentId, containerId: id.slice(0, 12), process: role.process, replica: role.replica, port }, 'release container started');
    started.push({ id, name, release: spec.deploymentId, image: spec.image, digest: image.digest, ...(port !== undefined && { port }), running: true, createdAt: '', ...role });
  }
  return candidateOf(spec, started, deps.address);
}

/** The containers of one release, every process and replica. */
export async function releaseContainers(deps: HostDeps, spec: DeploySpec, release: string): Promise<ReleaseContainer[]> {
  return (await deps.containers.listReleases(spec.project, spec.environment, spec.preview?.instance)).filter((container) => container.release === release);
}

/** Ids of every container a candidate stands for. */
export function candidateIds(candidate: Candidate): string[] {
  const ids = [candidate.containerId, ...(candidate.replicas ?? []).map((r) => r.containerId), ...(candidate.processes ?? []).map((p) => p.containerId)];
  return [...new Set(ids)];
}
