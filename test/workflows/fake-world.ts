import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkerOptions } from '@temporalio/worker';
import type { HostActivities, NotifyActivities } from '../../src/activities';
import type { DeployEvent } from '../../src/model/event-types';
import type { MigrationResult } from '../../src/model/migration-types';
import { hostTaskQueue } from '../../src/model/task-queues';
import type { Candidate, PulledImageInfo } from '../../src/model/types';
import { createPipelineActivities } from '../../src/activities';
import { createLocalHostSteps } from '../../src/worker/local-host-steps';
import { workflowBundlePath } from '../support/workflow-bundle';

type Acts = HostActivities & NotifyActivities;
export type ActName = keyof Acts;
type Impl = (...args: never[]) => Promise<unknown>;

export const taskQueue = 'berth-workflow-tests';
export const digest = 'sha256:' + 'a'.repeat(64);

/** Activities the workflow worker runs, beside the workflows: not host calls. */
const workflowWorkerActivities: ActName[] = ['notify', 'listReceivers', 'notifyReceiver', 'msUntilWindowOpens'];

/** What the fake host answers when a test does not say otherwise: a healthy, quiet world. */
const defaults: { [K in ActName]: Impl } = {
  pullImage: async () => ({ pinnedRef: `127.0.0.1:5000/web@${digest}`, digest, presentBefore: false }) satisfies PulledImageInfo,
  removePulledImage: async () => undefined,
  preflightDatabase: async () => ({ serverVersion: '16', findings: [] }),
  describeCurrent: async () => ({ release: 'r-old', image: '127.0.0.1:5000/web:1', digest }),
  readRoute: async () => '127.0.0.1:21000',
  migrate: async () => migrationResult,
  migrateDown: async () => ({ ran: true, reverted: ['002_add_color'], versionBefore: '2', versionAfter: '1', outputTail: '' }),
  startCandidate: async () => candidate,
  promoteCandidate: async () => undefined,
  removeCandidate: async () => undefined,
  waitHealthy: async () => undefined,
  switchRoute: async () => undefined,
  restoreRoute: async () => undefined,
  monitorThroughProxy: async () => undefined,
  retireReleases: async () => ({ stopped: ['r-old'], removed: [] }),
  listReleases: async () => [],
  startRetained: async () => ({ wasRunning: false, candidate: { ...candidate, containerName: 'berth-web-staging-r-old' } }),
  stopRetained: async () => undefined,
  reconcileEnvironment: async () => ({ healed: [], problems: [], upstream: candidate.upstream }),
  notify: async () => undefined,
  listReceivers: async () => ['webhook test'],
  notifyReceiver: async () => undefined,
  msUntilWindowOpens: async () => 0,
  pointDefaultRoute: async () => undefined,
  removePreviewInstance: async () => ({ containers: [] }),
  describeHost: async () => ({ host: 'local', docker: { version: '28.2.2', apiVersion: '1.50', os: 'linux', arch: 'amd64' } }),
};

export const candidate: Candidate = { containerId: 'c0ffee', containerName: 'berth-web-staging-d1', port: 21001, upstream: '127.0.0.1:21001' };
export const migrationResult: MigrationResult = { mode: 'builtin', applied: ['002_add_color'], versionBefore: '1', versionAfter: '2', outputTail: 'applied 002_add_color\n', lockWaitedMs: 0, durationMs: 5 };

/**
 * The activities a workflow test runs against: each call is recorded by name,
 * in order, and any activity can be replaced, failed, or held until cancelled.
 */
export class FakeWorld {
  /** Host activities, in the order they were called (notifications run elsewhere, concurrently). */
  readonly calls: ActName[] = [];
  readonly events: DeployEvent[] = [];
  private readonly overrides: Partial<Record<ActName, Impl>> = {};
  private readonly started = new Map<ActName, () => void>();

  /** Replaces one activity. */
  on(name: ActName, impl: Impl): this {
    this.overrides[name] = impl;
    return this;
  }

  /** The activity fails for good (non-retryable), with the given message. */
  fail(name: ActName, message = `${name} broke`, type = 'TEST'): this {
    return this.on(name, async () => {
      throw ApplicationFailure.nonRetryable(message, type);
    });
  }

  /** The activity runs until it is cancelled; `running(name)` resolves once it started. */
  hold(name: ActName): this {
    return this.on(name, async () => {
      this.started.get(name)?.();
      for (;;) {
        await Context.current().sleep(100);
        Context.current().heartbeat();
      }
    });
  }

  /**
   * The activity waits at a gate until the test opens it, then does what it
   * would have; `running(name)` resolves when the first call reaches the gate.
   */
  gate(name: ActName): () => void {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    const then = this.overrides[name] ?? defaults[name];
    this.on(name, async (...args: never[]) => {
      this.started.get(name)?.();
      await opened;
      return then(...args);
    });
    return open;
  }

  /** Resolves when a held activity has started. */
  running(name: ActName): Promise<void> {
    return new Promise((resolve) => this.started.set(name, resolve));
  }

  activities(): Acts {
    const wrapped = {} as Record<ActName, Impl>;
    for (const name of Object.keys(defaults) as ActName[]) {
      wrapped[name] = async (...args: never[]) => {
        if (name === 'notify') this.events.push(args[0] as DeployEvent);
        else if (name === 'notifyReceiver') this.events.push(args[1] as DeployEvent);
        else if (!workflowWorkerActivities.includes(name)) this.calls.push(name);
        return (this.overrides[name] ?? defaults[name])(...args);
      };
    }
    return wrapped as unknown as Acts;
  }

  /** The notification events, by name, in the order they were sent. */
  eventNames(): string[] {
    return this.events.map((event) => event.event);
  }
}

/**
 * Runs `fn` with the workflow worker (workflows, notify and pipeline activities,
 * and the quick steps of `localHosts` as local activities) and the fake hosts'
 * workers, on the test environment.
 */
export async function withWorkers<T>(
  env: TestWorkflowEnvironment,
  world: FakeWorld,
  fn: () => Promise<T>,
  hosts: string[] = ['local'],
  localHosts: string[] = hosts,
  workflowWorker: Pick<WorkerOptions, 'maxCachedWorkflows'> = {},
): Promise<T> {
  const acts = world.activities();
  const workflowBundle = { codePath: await workflowBundlePath() };
  const { notify, listReceivers, notifyReceiver, msUntilWindowOpens } = acts;
  const workers = [
    await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle,
      ...workflowWorker,
      // As in one Berth process: the workflow worker runs the quick steps of the hosts it serves locally.
      activities: {
        notify,
        listReceivers,
        notifyReceiver,
        msUntilWindowOpens,
        ...createPipelineActivities({ client: env.client, taskQueue }),
        ...createLocalHostSteps(new Map(localHosts.map((host) => [host, acts as unknown as HostActivities]))),
      },
    }),
    // As in production, a cancel reaches a heartbeating activity within moments, not a throttled heartbeat later.
    ...(await Promise.all(hosts.map((host) => Worker.create({ connection: env.nativeConnection, taskQueue: hostTaskQueue(host), activities: acts, maxHeartbeatThrottleInterval: '200ms' })))),
  ];
  const [first, ...rest] = workers;
  let chained = () => first.runUntil(fn);
  for (const worker of rest) {
    const inner = chained;
    chained = () => worker.runUntil(inner);
  }
  return chained();
}
