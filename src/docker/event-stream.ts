import type Dockerode from 'dockerode';
import type { Logger } from '../logger';
import { systemClock, type Clock } from '../retry';
import { containerEventFilters, parseContainerEvent, splitLines, type ContainerEvent } from './container-events';
import { messageOf } from './docker-api';

export interface EventStreamOptions {
  onEvent(event: ContainerEvent): void;
  /**
   * Called each time the stream is subscribed; `reconnected` is true after a
   * loss, when events may have been missed (a restarted dockerd keeps none).
   */
  onConnect?(reconnected: boolean): void;
  /** Waits between attempts to reconnect: doubling from the first to the last. */
  backoffMs?: { first: number; max: number };
  clock?: Clock;
}

/**
 * Follows Docker's event stream for Berth's containers and keeps following it:
 * when the stream ends or the daemon is gone, it reconnects with bounded
 * backoff until stopped, logging each loss and each return.
 */
export class DockerEventStream {
  private stopped = false;
  private current?: NodeJS.ReadableStream & { destroy?: () => void };
  private loop?: Promise<void>;
  private wake?: () => void;
  private readonly stopping = new Promise<void>((resolve) => (this.wake = resolve));

  constructor(
    private readonly docker: Dockerode,
    private readonly log: Logger,
    private readonly options: EventStreamOptions,
  ) {}

  start(): this {
    this.loop ??= this.follow();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.current?.destroy?.();
    await this.loop;
  }

  private async follow(): Promise<void> {
    const { first, max } = this.options.backoffMs ?? { first: 250, max: 5_000 };
    const clock = this.options.clock ?? systemClock;
    let connections = 0;
    let waitMs = first;
    let failures = 0;
    while (!this.stopped) {
      try {
        const stream = (await this.docker.getEvents({ filters: containerEventFilters() })) as NodeJS.ReadableStream & { destroy?: () => void };
        this.current = stream;
        if (this.stopped) break;
        this.log.info({ reconnected: connections > 0, failures }, connections > 0 ? 'docker event stream re-established' : 'following docker events');
        this.options.onConnect?.(connections > 0);
        connections += 1;
        waitMs = first;
        failures = 0;
        await this.read(stream);
        if (!this.stopped) this.log.warn('docker event stream ended; reconnecting');
      } catch (error) {
        failures += 1;
        if (this.stopped) break;
        // The first failure says so; later ones while dockerd stays away only every tenth time.
        if (failures === 1 || failures % 10 === 0) this.log.warn({ failures, waitMs, error: messageOf(error) }, 'docker event stream unavailable; retrying');
      }
      if (this.stopped) break;
      await Promise.race([clock.sleep(waitMs), this.stopping]);
      waitMs = Math.min(waitMs * 2, max);
    }
    this.current?.destroy?.();
  }

  /** Resolves when the stream ends, for whatever reason; a failing handler never stops it. */
  private read(stream: NodeJS.ReadableStream): Promise<void> {
    return new Promise((resolve) => {
      let rest = '';
      stream.on('data', (chunk: Buffer | string) => {
        const split = splitLines(rest, chunk.toString());
        rest = split.rest;
        for (const line of split.lines) {
          const event = parseContainerEvent(line);
          if (!event) continue;
          try {
            this.options.onEvent(event);
          } catch (error) {
            this.log.error({ err: error, event }, 'handling a docker event failed');
          }
        }
      });
      stream.once('end', () => resolve());
      stream.once('close', () => resolve());
      stream.once('error', (error: Error) => {
        if (!this.stopped) this.log.warn({ error: error.message }, 'docker event stream failed');
        resolve();
      });
    });
  }
}
