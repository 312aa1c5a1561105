import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { approveSignal, decideUpdate, instanceDeployedSignal, ownerQuery, ownerWorkflowId, previewsQuery, previewsWorkflowId, statusQuery, workflowTypes } from '../../src/workflows/definitions';
import { registerInstance } from '../../src/temporal/previews-client';
import type { PreviewSettings } from '../../src/model/preview-types';
import { enqueueWithOwner } from '../../src/temporal/owner-client';
import type { OwnerSettings } from '../../src/model/owner-types';
import type { PipelineSpec } from '../../src/model/pipeline-types';
import { eventually } from '../support/eventually';
import { FakeWorld, taskQueue, withWorkers } from './fake-world';
import { finalRecord, startDeploy, startRollback } from './deploy-runs';
import { deploySpec, migrations, ownerSettings, rollbackSpec } from './specs';
import { releaseOrphanedChildLock } from './orphan-lock';
import { digestOf, FakeRegistry, pinningWorld, withPollWorkers } from './poll-world';
import { startPollingOwners } from '../../src/temporal/poll-owners';
import { removeWhileDeploying } from './preview-removal-run';
import { localStepScenarios } from './local-scenarios';

/** A recorded run: which history file it becomes, and which execution it is. */
export interface Recording {
  file: string;
  workflowId: string;
  runId?: string;
}

/** One situation a workflow type can be in, run against the fake world; returns the executions to record. */
export interface Scenario {
  name: string;
  run(env: TestWorkflowEnvironment): Promise<Recording[]>;
}

const hour = 3600_000;

async function deploy(env: TestWorkflowEnvironment, world: FakeWorld, file: string, overrides: Parameters<typeof deploySpec>[0], act?: (id: string) => Promise<void>): Promise<Recording[]> {
  const spec = deploySpec({ deploymentId: `rec-${file.replace(/\W/g, '-')}`, ...overrides });
  await withWorkers(env, world, async () => {
    const handle = await startDeploy(env, spec);
    await act?.(spec.deploymentId);
    await finalRecord(handle);
  });
  return [{ file, workflowId: spec.deploymentId }];
}

/** Scripts have no `expect`: checks here return false until they pass. */
function awaitingApproval(env: TestWorkflowEnvironment, id: string) {
  return eventually(async () => (await env.client.workflow.getHandle(id).describe()).searchAttributes.BerthStatus?.[0] === 'awaiting_approval');
}

/** Waits for a deploy the owner starts as its child to start, then to end. */
async function ended(env: TestWorkflowEnvironment, id: string): Promise<void> {
  const handle = env.client.workflow.getHandle(id);
  await eventually(() => handle.describe());
  await handle.result().catch(() => undefined);
}

function request(env: TestWorkflowEnvironment, settings: OwnerSettings, id: string) {
  const spec = deploySpec({ deploymentId: id, environment: settings.environment, image: `127.0.0.1:5000/web:${id}` });
  return enqueueWithOwner(env.client, taskQueue, { kind: 'deploy', spec, settings });
}

/** One deploy, then a minute per backstop pass until the owner's run renews; the first run's id. */
async function deployThenIdleUntilRenewed(env: TestWorkflowEnvironment, settings: OwnerSettings, id: string): Promise<string> {
  const owner = env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment));
  await request(env, settings, id);
  const firstRun = (await owner.describe()).runId;
  await env.client.workflow.getHandle(id).result();
  await eventually(async () => {
    await env.sleep('1m');
    return (await owner.describe()).runId !== firstRun;
  });
  return firstRun;
}

/**
 * The owner keeps running; a recording ends it so its history is complete.
 * Only once the workers stopped: a workflow terminated during its workflow task
 * leaves the test server's time skipping locked.
 */
async function endOwner(env: TestWorkflowEnvironment, environment: string): Promise<void> {
  await env.client.workflow.getHandle(ownerWorkflowId('web', environment)).terminate('recording over');
}

function pipelineSpec(id: string, environments: string[]): PipelineSpec {
  return {
    pipelineId: id,
    project: 'web',
    requestedBy: 'ci',
    repository: '127.0.0.1:5000/web',
    stages: environments.map((environment) => deploySpec({ deploymentId: `${id}-${environment}`, environment })),
    settings: environments.map((environment) => ownerSettings({ environment })),
  };
}

async function pipeline(env: TestWorkflowEnvironment, spec: PipelineSpec): Promise<void> {
  await env.client.workflow.start(workflowTypes.pipeline, { workflowId: spec.pipelineId, taskQueue, args: [spec] });
  await env.client.workflow.getHandle(spec.pipelineId).result().catch(() => undefined);
}

export const scenarios: Scenario[] = [
  { name: 'deploy succeeds', run: (env) => deploy(env, new FakeWorld(), 'deployWorkflow/success', { migrations }) },
  {
    name: 'deploy fails its health check and compensates, migration first',
    run: (env) => deploy(env, new FakeWorld().fail('waitHealthy', 'never answered'), 'deployWorkflow/failure-compensated', { migrations }),
  },
  {
    name: 'deploy fails after the switch, and an undo fails too',
    run: (env) => deploy(env, new FakeWorld().fail('monitorThroughProxy', 'answers 502').fail('restoreRoute', 'caddy is gone'), 'deployWorkflow/undo-failed', {}),
  },
  {
    name: 'deploy approved by signal after reminders',
    run: (env) =>
      deploy(env, new FakeWorld(), 'deployWorkflow/approved', { approval: 'required', approvalReminderMs: hour }, async (id) => {
        await awaitingApproval(env, id);
        await env.sleep('150m');
        await env.client.workflow.getHandle(id).signal(approveSignal, { by: 'alice', comment: 'ship it' });
      }),
  },
  {
    name: 'deploy rejected through the decide update',
    run: (env) =>
      deploy(env, new FakeWorld(), 'deployWorkflow/rejected', { approval: 'required' }, async (id) => {
        await awaitingApproval(env, id);
        await env.client.workflow.getHandle(id).executeUpdate(decideUpdate, { args: [{ decision: 'reject', by: 'bob', comment: 'not today' }] });
      }),
  },
  { name: 'deploy expires', run: (env) => deploy(env, new FakeWorld(), 'deployWorkflow/expired', { approval: 'required', approvalTimeoutMs: 3 * hour, approvalReminderMs: hour }) },
  {
    name: 'deploy waits for its window',
    run: (env) => {
      const untilOpen = [3 * hour, 0];
      return deploy(env, new FakeWorld().on('msUntilWindowOpens', async () => untilOpen.shift() ?? 0), 'deployWorkflow/window', { window: 'Mon-Fri 09:00-17:00 UTC' });
    },
  },
  {
    name: 'deploy cancelled during its health check',
    run: (env) => {
      const world = new FakeWorld().hold('waitHealthy');
      const running = world.running('waitHealthy');
      return deploy(env, world, 'deployWorkflow/cancelled', { migrations }, async (id) => {
        await running;
        await env.client.workflow.getHandle(id).cancel();
      });
    },
  },
  {
    name: 'deploy cancelled while its start is announced: the announcement outlives the cancel',
    run: (env) => {
      const world = new FakeWorld().hold('pullImage');
      const pulling = world.running('pullImage');
      const delivering = world.running('notifyReceiver');
      const deliver = world.gate('notifyReceiver');
      return deploy(env, world, 'deployWorkflow/cancelled-while-announcing', {}, async (id) => {
        await Promise.all([pulling, delivering]);
        await env.client.workflow.getHandle(id).cancel();
        await eventually(async () => (await env.client.workflow.getHandle(id).query(statusQuery)).steps.find((step) => step.name === 'pull')?.status === 'cancelled');
        deliver();
      });
    },
  },
  {
    name: 'rollback to a retained release',
    run: async (env) => {
      await withWorkers(env, new FakeWorld(), async () => finalRecord(await startRollback(env, rollbackSpec({ deploymentId: 'rec-rollback-success' }))));
      return [{ file: 'rollbackWorkflow/success', workflowId: 'rec-rollback-success' }];
    },
  },
  {
    name: 'rollback fails its health check and stops the retained release again',
    run: async (env) => {
      await withWorkers(env, new FakeWorld().fail('waitHealthy'), async () => finalRecord(await startRollback(env, rollbackSpec({ deploymentId: 'rec-rollback-failed' }))));
      return [{ file: 'rollbackWorkflow/failure-compensated', workflowId: 'rec-rollback-failed' }];
    },
  },
  {
    name: 'rollback recreates a pruned release, and is cancelled',
    run: async (env) => {
      const world = new FakeWorld().on('startRetained', async () => undefined).hold('monitorThroughProxy');
      const running = world.running('monitorThroughProxy');
      await withWorkers(env, world, async () => {
        const handle = await startRollback(env, rollbackSpec({ deploymentId: 'rec-rollback-cancelled' }));
        await running;
        await handle.cancel();
        await finalRecord(handle);
      });
      return [{ file: 'rollbackWorkflow/recreated-cancelled', workflowId: 'rec-rollback-cancelled' }];
    },
  },
  {
    name: 'owner coalesces queued requests: the newest runs, the others are superseded',
    run: async (env) => {
      const settings = ownerSettings({ environment: 'rec-coalesce' });
      const world = new FakeWorld();
      const release = world.gate('waitHealthy');
      const held = world.running('waitHealthy');
      await withWorkers(env, world, async () => {
        await request(env, settings, 'rec-co-1');
        await held;
        for (const id of ['rec-co-2', 'rec-co-3', 'rec-co-4']) await request(env, settings, id);
        release();
        await env.client.workflow.getHandle('rec-co-1').result();
        await ended(env, 'rec-co-4');
      });
      await endOwner(env, settings.environment);
      return [{ file: 'environmentWorkflow/superseded', workflowId: ownerWorkflowId('web', settings.environment) }];
    },
  },
  {
    name: 'owner continues as new and carries its state into the next run; heals drift up to its cap',
    run: async (env) => {
      const settings = ownerSettings({ environment: 'rec-renewed', continueAsNewAfter: 2, reconcileIntervalMs: 60_000, maxHeals: 2 });
      const owner = env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment));
      const world = new FakeWorld().on('reconcileEnvironment', async () => ({ healed: ['restarted the desired release'], problems: [], upstream: '127.0.0.1:21001' }));
      let firstRun = '';
      await withWorkers(env, world, async () => {
        await request(env, settings, 'rec-cn-1');
        firstRun = (await owner.describe()).runId;
        await env.client.workflow.getHandle('rec-cn-1').result();
        await request(env, settings, 'rec-cn-2');
        await env.client.workflow.getHandle('rec-cn-2').result();
        await eventually(async () => (await owner.describe()).runId !== firstRun);
        await releaseOrphanedChildLock(env, owner.workflowId, firstRun, 'rec-cn-2');
        await env.sleep('10m');
      });
      await endOwner(env, settings.environment);
      return [
        { file: 'environmentWorkflow/continued-as-new', workflowId: owner.workflowId, runId: firstRun },
        { file: 'environmentWorkflow/after-continue-as-new-heal-cap', workflowId: owner.workflowId },
      ];
    },
  },
  {
    name: 'idle owner continues as new after its reconcile passes',
    run: async (env) => {
      const settings = ownerSettings({ environment: 'rec-idle', continueAsNewAfterPasses: 2, reconcileIntervalMs: 60_000 });
      const owner = env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment));
      const firstRun = await withWorkers(env, new FakeWorld(), () => deployThenIdleUntilRenewed(env, settings, 'rec-idle-1'));
      await endOwner(env, settings.environment);
      return [{ file: 'environmentWorkflow/renewed-after-passes', workflowId: owner.workflowId, runId: firstRun }];
    },
  },
  {
    name: 'idle owner whose workflow worker does not serve the host: passes on the host queue',
    run: async (env) => {
      const settings = ownerSettings({ environment: 'rec-idle-elsewhere', continueAsNewAfterPasses: 2, reconcileIntervalMs: 60_000 });
      const owner = env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment));
      const firstRun = await withWorkers(env, new FakeWorld(), () => deployThenIdleUntilRenewed(env, settings, 'rec-idle-elsewhere-1'), ['local'], []);
      await endOwner(env, settings.environment);
      return [{ file: 'environmentWorkflow/passes-on-host-queue', workflowId: owner.workflowId, runId: firstRun }];
    },
  },
  {
    name: 'pipeline promotes one digest through two environments',
    run: async (env) => {
      const spec = pipelineSpec('rec-pipeline-success', ['rec-p-staging', 'rec-p-production']);
      await withWorkers(env, new FakeWorld(), async () => {
        await pipeline(env, spec);
      });
      for (const environment of ['rec-p-staging', 'rec-p-production']) await endOwner(env, environment);
      return [{ file: 'pipelineWorkflow/success', workflowId: spec.pipelineId }];
    },
  },
  {
    name: 'pipeline stops when a stage fails',
    run: async (env) => {
      const spec = pipelineSpec('rec-pipeline-failed', ['rec-pf-staging', 'rec-pf-production']);
      await withWorkers(env, new FakeWorld().fail('waitHealthy'), async () => {
        await pipeline(env, spec);
      });
      await endOwner(env, 'rec-pf-staging');
      return [{ file: 'pipelineWorkflow/stage-failed', workflowId: spec.pipelineId }];
    },
  },
  {
    name: "pipeline's stage is superseded by a newer deploy",
    run: async (env) => {
      const spec = pipelineSpec('rec-pipeline-superseded', ['rec-ps-staging']);
      const settings = spec.settings[0];
      const world = new FakeWorld();
      const release = world.gate('waitHealthy');
      const held = world.running('waitHealthy');
      await withWorkers(env, world, async () => {
        await request(env, settings, 'rec-ps-busy');
        await held;
        await env.client.workflow.start(workflowTypes.pipeline, { workflowId: spec.pipelineId, taskQueue, args: [spec] });
        await eventually(async () => (await env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment)).query(ownerQuery)).queue.length === 1);
        await request(env, settings, 'rec-ps-newer');
        release();
        await env.client.workflow.getHandle(spec.pipelineId).result().catch(() => undefined);
        await ended(env, 'rec-ps-busy');
        await ended(env, 'rec-ps-newer');
      });
      await endOwner(env, settings.environment);
      return [{ file: 'pipelineWorkflow/superseded', workflowId: spec.pipelineId }];
    },
  },
  {
    name: 'owner polls the registry: a new digest of main deploys, the same one does not',
    run: async (env) => {
      const settings = ownerSettings({ environment: 'rec-poll', pollIntervalMs: 60_000 });
      const owner = env.client.workflow.getHandle(ownerWorkflowId('web', settings.environment));
      const registry = new FakeRegistry().push('main', digestOf('b'));
      const deployed = async (count: number) => {
        let id: string | undefined;
        await eventually(async () => {
          const state = await owner.query(ownerQuery);
          id = state.history.length >= count ? state.history[0].deploymentId : state.history.length === count - 1 ? state.running : undefined;
          return id !== undefined;
        });
        await ended(env, id!);
      };
      await withPollWorkers(env, pinningWorld(), registry, async () => {
        await startPollingOwners(env.client, taskQueue, [settings]);
        await deployed(1);
        await env.sleep('2m');
        registry.push('main', digestOf('c'));
        await env.sleep('1m');
        await deployed(2);
      });
      await endOwner(env, settings.environment);
      return [{ file: 'environmentWorkflow/registry-poll', workflowId: owner.workflowId }];
    },
  },
  {
    name: 'preview deploy points the default name at its instance and tells the coordinator',
    run: (env) =>
      deploy(env, new FakeWorld(), 'deployWorkflow/preview', {
        hostname: 'stage-preview-web-pr-7.preview.localhost',
        preview: { instance: 'stage-preview-web-pr-7', tag: 'pr-7', url: 'http://stage-preview-web-pr-7.preview.localhost', defaultHostname: 'stage-preview-web.preview.localhost' },
      }),
  },
  {
    name: 'previews: past maxInstances the oldest instance goes, past its ttl the expired one',
    run: async (env) => {
      const settings: PreviewSettings = { project: 'web', environment: 'rec-previews', host: 'local', defaultHostname: 'stage-rec-previews-web.preview.localhost', maxInstances: 2, ttlMs: hour };
      const handle = env.client.workflow.getHandle(previewsWorkflowId('web', settings.environment));
      const world = new FakeWorld();
      await withWorkers(env, world, async () => {
        for (const tag of ['a', 'b', 'c']) {
          const instance = `stage-rec-previews-web-${tag}`;
          await registerInstance(env.client, taskQueue, {
            settings,
            instance: { tag, instance, hostname: `${instance}.preview.localhost`, url: `http://${instance}.preview.localhost`, image: `127.0.0.1:5000/web:${tag}`, deploymentId: `rec-pv-${tag}`, requestedBy: 'ci', deployedAt: 0 },
          });
        }
        await eventually(() => world.calls.filter((call) => call === 'removePreviewInstance').length === 1);
        await handle.signal(instanceDeployedSignal, { tag: 'b', deploymentId: 'rec-pv-b' });
        // b's ttl counts from its deploy's end; c's deploy never reported, so it has the deploy's grace on top.
        await env.sleep('70m');
        await eventually(async () => (await handle.query(previewsQuery)).instances.map((i) => i.tag).join() === 'c');
      });
      await handle.terminate('recording over');
      return [{ file: 'previewsWorkflow/limit-and-ttl', workflowId: handle.workflowId }];
    },
  },
  {
    name: 'previews: an instance removed while its deploy runs is removed after the deploy compensated',
    run: async (env) => {
      const { coordinatorId } = await removeWhileDeploying(env, 'rec-pv-wait');
      await env.client.workflow.getHandle(coordinatorId).terminate('recording over');
      return [{ file: 'previewsWorkflow/removal-waits-for-deploy', workflowId: coordinatorId }];
    },
  },
  {
    name: 'host info answers with the Docker version',
    run: async (env) => {
      const workflowId = 'rec-host-info';
      await withWorkers(env, new FakeWorld(), () => env.client.workflow.execute(workflowTypes.hostInfo, { workflowId, taskQueue, args: ['local', 5000] }));
      return [{ file: 'hostInfoWorkflow/success', workflowId }];
    },
  },
  ...localStepScenarios,
];
