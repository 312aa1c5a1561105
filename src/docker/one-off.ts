import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import type { Logger } from '../logger';
import { benign, shortId } from './docker-api';
import { readImageDir, type ImageDirOptions } from './image-files';
import { lines } from './output-lines';

/** What a one-off container runs. `env` holds resolved secrets and must never be logged. */
export interface OneOffInput {
  name: string;
  image: string;
  /** argv: the first element replaces the image's entrypoint, as a Kubernetes `command` does. */
  command: string[];
  env: Record<string, string>;
  /** `host`, or the host's named Docker network. */
  network: string;
  labels: Record<string, string>;
}

export interface RunOptions {
  timeoutMs: number;
  /** Every output line, after `redact`, as it is printed. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Applied to each line before anything else sees it. */
  redact?: (line: string) => string;
  signal?: AbortSignal;
  tailLines?: number;
}

export interface OneOffResult {
  exitCode: number | null;
  timedOut: boolean;
  /** `signal` aborted and the container was killed. */
  cancelled: boolean;
  /** The last lines printed, redacted. */
  tail: string[];
  durationMs: number;
}

/** Pure: create options of a one-off container. Env sorted by key so one input always builds one set of options. */
export function buildOneOffOptions(input: OneOffInput): Dockerode.ContainerCreateOptions {
  const [program, ...args] = input.command;
  return {
    name: input.name,
    Image: input.image,
    Entrypoint: [program],
    Cmd: args,
    Env: Object.keys(input.env)
      .sort()
      .map((key) => `${key}=${input.env[key]}`),
    Labels: input.labels,
    Tty: false,
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { NetworkMode: input.network, RestartPolicy: { Name: 'no' } },
  };
}

async function removeQuietly(docker: Dockerode, idOrName: string): Promise<void> {
  await docker
    .getContainer(idOrName)
    .remove({ force: true, v: true })
    .catch((error) => benign(error, [404, 409]));
}

/**
 * One-off containers of one Docker host, the only way activities run one:
 * a command run to its end (a migration), or an image's files read without
 * running anything. Each call may log with the caller's own logger.
 */
export class OneOffRunner {
  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
  ) {}

  run(input: OneOffInput, options: RunOptions, log: Logger = this.log): Promise<OneOffResult> {
    return runOneOff(this.docker, log, input, options);
  }

  readImageDir(options: ImageDirOptions, log: Logger = this.log): Promise<Record<string, Buffer>> {
    return readImageDir(this.docker, log, options);
  }
}

/**
 * Runs a command to its end in a fresh container and removes it, whatever
 * happens. A container of the same name left by a crashed attempt is removed
 * first. Output is streamed line by line; past `timeoutMs`, or when `signal`
 * aborts, the container is killed and the result says which.
 */
export async function runOneOff(docker: Dockerode, log: Logger, input: OneOffInput, options: RunOptions): Promise<OneOffResult> {
  const redact = options.redact ?? ((line: string) => line);
  const tail: string[] = [];
  const keep = options.tailLines ?? 50;
  const emit = (stream: 'stdout' | 'stderr') => (raw: string) => {
    const line = redact(raw);
    tail.push(line);
    if (tail.length > keep) tail.shift();
    options.onLine?.(line, stream);
  };
  await removeQuietly(docker, input.name);
  log.debug({ container: input.name, image: input.image }, 'creating one-off container');
  const container = await docker.createContainer(buildOneOffOptions(input));
  const id = shortId(container.id);
  log.info({ containerId: id, container: input.name }, 'created one-off container');
  const startedAt = Date.now();
  try {
    const attached = (await container.attach({ stream: true, stdout: true, stderr: true })) as NodeJS.ReadableStream;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const drained = Promise.all([lines(stdout, emit('stdout')), lines(stderr, emit('stderr'))]);
    docker.modem.demuxStream(attached, stdout, stderr);
    attached.on('end', () => {
      stdout.end();
      stderr.end();
    });
    await container.start();
    log.info({ containerId: id }, 'started one-off container');
    // Asked after start: the default condition (not-running) answers at once for a process that already exited.
    const exited = container.wait() as Promise<{ StatusCode: number }>;
    exited.catch(() => undefined);

    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const stopped = new Promise<'timeout' | 'aborted'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
      onAbort = () => resolve('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
    const outcome = await Promise.race([exited, stopped]).finally(() => {
      clearTimeout(timer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    });
    if (outcome === 'timeout' || outcome === 'aborted') {
      log.warn({ containerId: id, timeoutMs: options.timeoutMs, outcome }, 'killing one-off container');
      await container.kill().catch(() => undefined);
      return { exitCode: null, timedOut: outcome === 'timeout', cancelled: outcome === 'aborted', tail, durationMs: Date.now() - startedAt };
    }
    // The attach stream ends just after the process; give it a moment to deliver the last lines.
    await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, 2_000))]);
    log.info({ containerId: id, exitCode: outcome.StatusCode, ms: Date.now() - startedAt }, 'one-off container exited');
    return { exitCode: outcome.StatusCode, timedOut: false, cancelled: false, tail, durationMs: Date.now() - startedAt };
  } finally {
    await removeQuietly(docker, container.id);
    log.debug({ containerId: id }, 'removed one-off container');
  }
}
