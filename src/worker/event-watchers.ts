import type { BerthConfig } from '../config/schema';
import { dockerFor } from '../docker/connect';
import type { ContainerEvent } from '../docker/container-events';
import { shortId } from '../docker/docker-api';
import { DockerEventStream } from '../docker/event-stream';
import type { Logger } from '../logger';
import type { ContainerEventNotice } from '../model/owner-types';
import { startHostSweep } from './host-sweep';

/** Signals an environment's owner; false when it has none (never deployed). The client gateway's `tellOwner`. */
export type TellOwner = (project: string, environment: string, notice: ContainerEventNotice, instance?: string) => Promise<boolean>;

export interface EventWatchSetup {
  config: BerthConfig;
  tellOwner: TellOwner;
  log: Logger;
  /** Only these hosts are watched; by default all configured hosts. */
  hosts?: string[];
  /** Events of one environment within this window go to its owner as one signal (die, then destroy). */
  coalesceMs?: number;
  /** How often each host's containers and routes are compared in one sweep (src/worker/host-sweep.ts); default 60 s. */
  sweepIntervalMs?: number;
}

export interface EventWatchers {
  stop(): Promise<void>;
}

/** Pure: the environments whose releases run on `host`, keyed `project/environment`. */
export function environmentsOn(config: BerthConfig, host: string): Map<string, { project: string; environment: string }> {
  const found = new Map<string, { project: string; environment: string }>();
  for (const [project, spec] of Object.entries(config.projects)) {
    for (const [environment, env] of Object.entries(spec.environments)) {
      if (env.host === host) found.set(`${project}/${environment}`, { project, environment });
    }
  }
  return found;
}

/**
 * Each host's worker follows its Docker daemon's events and tells the owning
 * environment at once when one of Berth's containers dies, runs out of memory
 * or is removed, so a heal starts within a second rather than at the next
 * reconcile pass. Whenever the stream opens (the worker starts, or it was
 * lost: a restarted dockerd keeps no events), every environment on the host
 * is asked to check itself once, for what happened unseen.
 */
export function startEventWatchers(setup: EventWatchSetup): EventWatchers {
  const coalesceMs = setup.coalesceMs ?? 100;
  const pending = new Map<string, { notice: ContainerEventNotice; timer: NodeJS.Timeout }>();
  const sends = new Set<Promise<void>>();
  const sweeps: Array<{ stop(): Promise<void> }> = [];

  const send = (project: string, environment: string, notice: ContainerEventNotice, log: Logger, instance?: string) => {
    const sent = setup.tellOwner(project, environment, notice, instance)
      .then((told) => log.info({ project, environment, events: notice.events.length, resync: notice.resync === true, told }, told ? 'told the owner' : 'no owner to tell'))
      // The periodic reconcile pass still finds what this signal would have healed.
      .catch((error: Error) => log.warn({ project, environment, error: error.message }, 'telling the owner failed'))
      .finally(() => sends.delete(sent));
    sends.add(sent);
  };

  // A preview instance's events go to the instance's own owner.
  const queue = (project: string, environment: string, change: (notice: ContainerEventNotice) => void, log: Logger, instance?: string) => {
    const key = `${project}/${environment}${instance ? `/${instance}` : ''}`;
    let entry = pending.get(key);
    if (!entry) {
      const notice: ContainerEventNotice = { events: [] };
      const timer = setTimeout(() => {
        pending.delete(key);
        send(project, environment, notice, log, instance);
      }, coalesceMs);
      entry = { notice, timer };
      pending.set(key, entry);
    }
    change(entry.notice);
  };

  const streams = (setup.hosts ?? Object.keys(setup.config.hosts)).map((host) => {
    const log = setup.log.child({ host, component: 'docker-events' });
    const environments = environmentsOn(setup.config, host);
    const onEvent = (event: ContainerEvent) => {
      const { project, environment, release, action, containerId, instance } = event;
      if (!environments.has(`${project}/${environment}`)) return;
      log.info({ project, environment, release, action, containerId: shortId(containerId) }, 'container event');
      queue(project, environment, (notice) => notice.events.push({ action, release, containerId: shortId(containerId) }), log, instance);
    };
    // Events from before the stream was (re)opened are gone: while this worker was down, or dockerd restarted.
    const onConnect = () => {
      for (const { project, environment } of environments.values()) queue(project, environment, (notice) => (notice.resync = true), log);
    };
    const resync = (project: string, environment: string) => queue(project, environment, (notice) => (notice.resync = true), log);
    sweeps.push(startHostSweep({ config: setup.config, host, intervalMs: setup.sweepIntervalMs ?? 60_000, log: setup.log.child({ host, component: 'host-sweep' }), resync }));
    return new DockerEventStream(dockerFor(setup.config.hosts[host].docker), log, { onEvent, onConnect }).start();
  });

  return {
    async stop() {
      await Promise.all(sweeps.map((sweep) => sweep.stop()));
      await Promise.all(streams.map((stream) => stream.stop()));
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      await Promise.all([...sends]);
    },
  };
}
