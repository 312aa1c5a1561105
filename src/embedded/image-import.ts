import type Dockerode from 'dockerode';

/** Images Berth builds itself carry this label: a hash of what went into them, so unchanged images are not rebuilt. */
export const hashLabel = 'fixture.hash';

/** The fixture.hash label of a tag as the registry holds it, or undefined when absent. */
export async function registryHash(registry: string, tag: string, repository: string): Promise<string | undefined> {
  const base = `http://${registry}/v2/${repository}`;
  const manifest = await fetch(`${base}/manifests/${tag}`, { headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json' } });
  if (!manifest.ok) return undefined;
  const { config } = (await manifest.json()) as { config?: { digest?: string } };
  if (!config?.digest) return undefined;
  const blob = await fetch(`${base}/blobs/${config.digest}`);
  if (!blob.ok) return undefined;
  const image = (await blob.json()) as { config?: { Labels?: Record<string, string> } };
  return image.config?.Labels?.[hashLabel];
}

/** Reads a Docker progress stream to its end; an `error` entry fails it. */
export function drain(docker: Dockerode, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: Array<{ error?: string }>) => {
      const failed = error?.message ?? output.find((entry) => entry.error)?.error;
      if (failed) reject(new Error(`${what}: ${failed}`));
      else resolve();
    });
  });
}

/** `docker import` of a rootfs tarball as registry/repository:tag with Dockerfile-style changes, then a push. */
export async function importAndPush(docker: Dockerode, options: { tarFile: string; registry: string; repository: string; tag: string; changes: string[] }): Promise<void> {
  const { tarFile, registry, repository, tag, changes } = options;
  const image = `${registry}/${repository}:${tag}`;
  await drain(docker, await docker.importImage(tarFile, { repo: `${registry}/${repository}`, tag, changes }), `import ${image}`);
  await drain(docker, await docker.getImage(`${registry}/${repository}`).push({ tag }), `push ${image}`);
}
