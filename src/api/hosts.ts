import type { BerthConfig } from '../config/schema';
import { hostTaskQueue } from '../model/task-queues';

/** A poller seen within this long still polls: idle long polls return after about a minute and are renewed at once. */
export const pollerFreshMs = 90_000;

export interface PollerSeen {
  identity: string;
  lastAccessTime?: Date;
}

export interface WorkerView {
  polling: boolean;
  lastSeen: string | null;
  identities: string[];
}

/** Pure: what DescribeTaskQueue's pollers say about a host's worker at `now`. */
export function workerView(pollers: PollerSeen[], now: number): WorkerView {
  const fresh = pollers.filter((poller) => poller.lastAccessTime && now - poller.lastAccessTime.getTime() <= pollerFreshMs);
  const times = pollers.map((poller) => poller.lastAccessTime?.getTime() ?? 0).filter((time) => time > 0);
  return {
    polling: fresh.length > 0,
    lastSeen: times.length ? new Date(Math.max(...times)).toISOString() : null,
    identities: [...new Set(fresh.map((poller) => poller.identity))].sort(),
  };
}

export interface HostEntry {
  name: string;
  address: string;
  taskQueue: string;
  environments: Array<{ project: string; environment: string; hostname: string }>;
}

/** Pure: the configured hosts and the environments that name each. */
export function hostEntries(config: BerthConfig): HostEntry[] {
  return Object.entries(config.hosts).map(([name, host]) => ({
    name,
    address: host.address,
    taskQueue: hostTaskQueue(name),
    environments: Object.entries(config.projects).flatMap(([project, settings]) =>
      Object.entries(settings.environments)
        .filter(([, environment]) => environment.host === name)
        .map(([environment, { hostname }]) => ({ project, environment, hostname })),
    ),
  }));
}
