import type Dockerode from 'dockerode';
import { ImageNotFoundError, InvalidReferenceError, RegistryAuthError } from '../model/errors';
import type { Logger } from '../logger';
import type { PulledImage } from '../model/types';
import { benign, messageOf, statusOf } from './docker-api';
import { canonicalRepository, parseImageRef } from '../model/image-ref';

/** Credentials in the shape the Docker API's X-Registry-Auth header takes. */
export interface RegistryAuth {
  username: string;
  password: string;
  serveraddress: string;
}

export interface PullProgress {
  status: string;
  /** The layer the event is about, when it is about one. */
  layer?: string;
  current?: number;
  total?: number;
}

export interface PullOptions {
  auth?: RegistryAuth;
  /** Called for every progress event; the pull activity heartbeats here. */
  onProgress?: (progress: PullProgress) => void;
  /** Aborts the pull, for an activity that was cancelled. */
  signal?: AbortSignal;
}

interface ProgressEvent {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Pure: sorts a pull failure into a permanent error (retrying cannot help) or
 * a plain one (registry down, daemon trouble: Temporal retries those).
 */
export function classifyPullError(ref: string, message: string, status?: number): Error {
  if (/unauthorized|access denied|access to the resource is denied|authentication required|no basic auth credentials/i.test(message) || status === 401 || status === 403) {
    return new RegistryAuthError(ref, message);
  }
  if (status === 404 || /manifest unknown|manifest for .* not found|name unknown|not found: manifest/i.test(message)) {
    return new ImageNotFoundError(ref, message);
  }
  if (status === 400 || /invalid reference format/i.test(message)) return new InvalidReferenceError(ref, message);
  return new Error(`pulling ${ref} failed: ${message}`);
}

/** Pulls images and pins them to the digest the registry served. */
export class ImageClient {
  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
  ) {}

  async pull(ref: string, options: PullOptions = {}): Promise<PulledImage> {
    const parsed = parseImageRef(ref);
    this.log.info({ image: ref }, 'pulling image');
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(ref, { authconfig: options.auth, abortSignal: options.signal });
    } catch (error) {
      throw classifyPullError(ref, messageOf(error), statusOf(error));
    }
    await this.follow(ref, stream, options.onProgress);
    const pinned = await this.pin(ref, parsed.repository, parsed.digest);
    this.log.info({ image: ref, digest: pinned.digest }, 'pulled image');
    return pinned;
  }

  /** Waits for the progress stream to end; a failure can also arrive inside it as `errorDetail`. */
  private follow(ref: string, stream: NodeJS.ReadableStream, onProgress?: (p: PullProgress) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      let failure: string | undefined;
      const onEvent = (event: ProgressEvent) => {
        if (event.error || event.errorDetail) {
          failure ??= event.errorDetail?.message ?? event.error;
          return;
        }
        if (!onProgress || event.status === undefined) return;
        onProgress({ status: event.status, ...(event.id !== undefined && { layer: event.id }), current: event.progressDetail?.current, total: event.progressDetail?.total });
      };
      const onFinished = (error: Error | null) => {
        if (error) reject(classifyPullError(ref, messageOf(error), statusOf(error)));
        else if (failure !== undefined) reject(classifyPullError(ref, failure));
        else resolve();
      };
      this.docker.modem.followProgress(stream, onFinished, onEvent);
    });
  }

  /** The local image id of `ref`, or undefined when the host does not have it. */
  async idOf(ref: string): Promise<string | undefined> {
    this.log.debug({ image: ref }, 'inspecting image');
    const info = await this.docker
      .getImage(ref)
      .inspect()
      .catch((error) => benign(error, [404]));
    this.log.debug({ image: ref, present: info !== undefined }, 'inspected image');
    return info?.Id;
  }

  /** Removes a tag or image; one already gone (404) or still used by a container or another tag (409) stays as it is. */
  async remove(ref: string): Promise<void> {
    this.log.debug({ image: ref }, 'removing image');
    try {
      await this.docker.getImage(ref).remove();
      this.log.info({ image: ref }, 'removed image');
    } catch (error) {
      benign(error, [404, 409]);
      this.log.debug({ image: ref, status: statusOf(error) }, statusOf(error) === 404 ? 'no image to remove' : 'image still in use');
    }
  }

  /**
   * Removes an image by id with every name it carries (the tag it was deployed
   * by too), so its space is freed; false when it is gone already or in use.
   */
  async removeById(id: string): Promise<boolean> {
    this.log.debug({ imageId: id }, 'removing image and its names');
    try {
      await this.docker.getImage(id).remove({ force: true });
      this.log.info({ imageId: id }, 'removed image');
      return true;
    } catch (error) {
      benign(error, [404, 409]);
      this.log.info({ imageId: id, status: statusOf(error) }, 'image not removed: gone already, or in use');
      return false;
    }
  }

  /** The registry digest of the pulled image, read from RepoDigests for this repository. */
  private async pin(ref: string, repository: string, requestedDigest?: string): Promise<PulledImage> {
    this.log.debug({ image: ref }, 'inspecting image');
    const info = await this.docker.getImage(ref).inspect();
    const wanted = canonicalRepository(repository);
    const candidates = (info.RepoDigests ?? []).filter((entry) => canonicalRepository(entry.split('@')[0]) === wanted);
    // An image can carry several digests of one repository; a pull by digest must pin to the one asked for.
    const match = candidates.find((entry) => entry.endsWith(`@${requestedDigest}`)) ?? candidates[0];
    if (!match) throw new Error(`image ${ref} was pulled but Docker reports no registry digest for ${repository}`);
    const digest = match.slice(match.indexOf('@') + 1);
    this.log.debug({ image: ref, digest }, 'inspected image');
    return { pinnedRef: `${repository}@${digest}`, digest };
  }
}
