import path from 'node:path';
import type Dockerode from 'dockerode';
import { PermanentError } from '../model/errors';
import type { Logger } from '../logger';
import { shortId, statusOf } from './docker-api';
import { readTar } from './tar-reader';

export interface ImageDirOptions {
  /** A pinned reference (`repo@sha256:…`) of an image present on the host. */
  image: string;
  /** Absolute directory inside the image. */
  dir: string;
  /** Container name, one per deployment, so a retry clears what a crashed attempt left. */
  name: string;
  labels: Record<string, string>;
  /** Refuse directories larger than this; migration files are small. */
  maxBytes?: number;
}

async function removeQuietly(docker: Dockerode, idOrName: string): Promise<void> {
  await docker
    .getContainer(idOrName)
    .remove({ force: true, v: true })
    .catch((error) => {
      if (statusOf(error) !== 404) throw error;
    });
}

/** The archive's bytes as they arrive, refused once they pass `maxBytes`. */
async function* limited(stream: NodeJS.ReadableStream, maxBytes: number, what: string): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) throw new PermanentError('IMAGE_DIR_TOO_LARGE', `${what} is larger than ${maxBytes} bytes`);
    yield chunk;
  }
}

/**
 * The regular files directly in `dir` of an image (name → content), read
 * without running anything: a created, never started container, its archive
 * of `dir`, then its removal.
 */
export async function readImageDir(docker: Dockerode, log: Logger, options: ImageDirOptions): Promise<Record<string, Buffer>> {
  const dir = options.dir.replace(/\/+$/, '') || '/';
  const what = `${dir} in ${options.image}`;
  await removeQuietly(docker, options.name);
  log.debug({ container: options.name, image: options.image }, 'creating container to read files');
  const container = await docker.createContainer({
    name: options.name,
    Image: options.image,
    // Never started; an entrypoint only satisfies images that declare no command.
    Entrypoint: ['/berth-reads-files-only'],
    Labels: options.labels,
    HostConfig: { NetworkMode: 'none' },
  });
  const id = shortId(container.id);
  log.debug({ containerId: id }, 'created container to read files');
  try {
    let archive: NodeJS.ReadableStream;
    try {
      archive = await container.getArchive({ path: dir });
    } catch (error) {
      if (statusOf(error) === 404) throw new PermanentError('IMAGE_DIR_MISSING', `${what}: no such directory`);
      throw error;
    }
    const base = path.posix.basename(dir);
    const nameIn = (entryPath: string) => {
      const relative = entryPath.replace(/^\.\//, '').replace(/\/$/, '');
      const name = relative.startsWith(`${base}/`) ? relative.slice(base.length + 1) : undefined;
      return name && !name.includes('/') ? name : undefined;
    };
    // Streamed: only the files directly in `dir` are held, never the whole archive.
    const files: Record<string, Buffer> = {};
    for (const entry of await readTar(limited(archive, options.maxBytes ?? 16 * 1024 * 1024, what), (entryPath) => nameIn(entryPath) !== undefined)) {
      const name = nameIn(entry.path);
      if (entry.type === 'file' && name) files[name] = entry.data;
    }
    log.info({ containerId: id, image: options.image, dir, files: Object.keys(files).length }, 'read files from image');
    return files;
  } finally {
    log.debug({ containerId: id }, 'removing file-reading container');
    await removeQuietly(docker, container.id);
  }
}
