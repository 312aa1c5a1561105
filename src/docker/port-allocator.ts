import net from 'node:net';

export interface PortRange {
  from: number;
  to: number;
}

/** Pure: the lowest port of the range not in `used`, or undefined when the range is full. */
export function pickFreePort(range: PortRange, used: Set<number>): number | undefined {
  for (let port = range.from; port <= range.to; port += 1) {
    if (!used.has(port)) return port;
  }
  return undefined;
}

/** True when nothing on this machine listens on 127.0.0.1:port; host-network containers bind there. */
export function isBindable(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

export interface PortAllocatorOptions {
  /** How long a handed-out port stays reserved for a container that does not exist yet. */
  reserveMs?: number;
  now?: () => number;
  isBindable?: (port: number) => Promise<boolean>;
}

/**
 * Hands out host ports for candidates. Docker's view alone is not enough: two
 * deploys may both ask before either container exists, so ports handed out
 * recently stay reserved, and allocations in this process run one at a time.
 * The bind check only sees this machine, which is the Docker host whenever
 * host networking is in use.
 */
export class PortAllocator {
  private readonly reserved = new Map<number, number>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly reserveMs: number;
  private readonly now: () => number;
  private readonly bindable: (port: number) => Promise<boolean>;

  constructor(options: PortAllocatorOptions = {}) {
    this.reserveMs = options.reserveMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.bindable = options.isBindable ?? ((port) => isBindable(port));
  }

  /** Resolves a port from `range` no container uses, none was recently handed out, and that binds. */
  allocate(range: PortRange, usedByContainers: number[]): Promise<number> {
    const next = this.queue.then(() => this.allocateNow(range, usedByContainers));
    // A failed allocation must not jam the ones queued behind it.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async allocateNow(range: PortRange, usedByContainers: number[]): Promise<number> {
    const now = this.now();
    for (const [port, at] of this.reserved) if (now - at >= this.reserveMs) this.reserved.delete(port);
    const used = new Set([...usedByContainers, ...this.reserved.keys()]);
    for (;;) {
      const port = pickFreePort(range, used);
      if (port === undefined) {
        throw new Error(`no free port in ${range.from}-${range.to}: every one is used by a container, a recent deploy or another process`);
      }
      if (await this.bindable(port)) {
        this.reserved.set(port, now);
        return port;
      }
      used.add(port);
    }
  }
}
