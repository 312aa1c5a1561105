import { Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { HostActivities, RegistryActivities } from '../../src/activities';
import { createLocalHostSteps } from '../../src/worker/local-host-steps';
import { hostTaskQueue } from '../../src/model/task-queues';
import type { RegistryPollAnswer, RegistryPollRequest } from '../../src/model/registry-poll-types';
import type { DeploySpec } from '../../src/model/types';
import { workflowBundlePath } from '../support/workflow-bundle';
import { FakeWorld, taskQueue } from './fake-world';
import { deploySpec } from './specs';

export const repository = '127.0.0.1:5000/web';
export const digestOf = (c: string) => `sha256:${c.repeat(64)}`;

/**
 * A registry as the owner's poll sees it, through `checkRegistry`: a moving
 * tag whose digest a test sets, and a log of every check with the workflow
 * run that made it and the (skipped) time it was scheduled at.
 */
export class FakeRegistry {
  readonly checks: Array<{ runId: string; at: number }> = [];
  private readonly tags = new Map<string, string>();

  /** `spec` overrides what the environment's config would freeze into each deploy (approval, ...). */
  constructor(private readonly spec: Partial<DeploySpec> = {}) {}

  push(tag: string, digest: string): this {
    this.tags.set(tag, digest);
    return this;
  }

  activities(): RegistryActivities {
    return {
      checkRegistry: async (request: RegistryPollRequest): Promise<RegistryPollAnswer> => {
        const info = Context.current().info;
        this.checks.push({ runId: info.workflowExecution?.runId ?? '', at: info.scheduledTimestampMs });
        const candidates = [...this.tags].map(([tag, digest]) => {
          const spec: DeploySpec = deploySpec({ deploymentId: request.deploymentId, environment: request.environment, image: `${repository}@${digest}`, requestedBy: 'poller', trigger: { tag, digest }, ...this.spec });
          return { tag, digest, spec };
        });
        return { candidates };
      },
    };
  }
}

/** The fake host pins what it pulls to the digest the reference names, as a registry would. */
export function pinningWorld(): FakeWorld {
  return new FakeWorld().on('pullImage', async (spec: DeploySpec) => {
    const digest = spec.image.split('@')[1] ?? digestOf('0');
    return { pinnedRef: `${repository}@${digest}`, digest, presentBefore: false };
  });
}

/** The workflow worker with the registry poll's activity, and the fake host's worker; `fn` runs while they do. */
export async function withPollWorkers<T>(env: TestWorkflowEnvironment, world: FakeWorld, registry: FakeRegistry, fn: () => Promise<T>, options: { cached?: boolean } = {}): Promise<T> {
  const acts = world.activities();
  const { notify, listReceivers, notifyReceiver, msUntilWindowOpens } = acts;
  const workflows = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: await workflowBundlePath() },
    activities: { notify, listReceivers, notifyReceiver, msUntilWindowOpens, ...registry.activities(), ...createLocalHostSteps(new Map([['local', acts as unknown as HostActivities]])) },
    // Uncached, every workflow task replays the workflow from its history: as after a worker restart, each time.
    ...(options.cached === false && { maxCachedWorkflows: 0 }),
  });
  const host = await Worker.create({ connection: env.nativeConnection, taskQueue: hostTaskQueue('local'), activities: acts, maxHeartbeatThrottleInterval: '200ms' });
  return workflows.runUntil(() => host.runUntil(fn));
}
