import { Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createHostActivities, createNotifyActivities, createPipelineActivities, createRegistryActivities, type HostActivities } from '../activities';
import { FileFaults, type Faults } from '../activities/faults';
import type { BerthConfig } from '../config/schema';
import type { Logger } from '../logger';
import { hostTaskQueue } from '../model/task-queues';
import { buildHostDeps } from './host-deps';
import { createLocalHostSteps } from './local-host-steps';
import { workflowSource } from './workflow-bundles';

export interface WorkerSetup {
  config: BerthConfig;
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  /** Only these hosts' activities run here; by default all configured hosts. */
  hosts?: string[];
  /** Whether the workflow and notify worker runs here too; by default it does. */
  workflows?: boolean;
  /** A prebuilt workflow bundle (tests reuse one); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** The payload codec when `temporal.encryption` is configured; the same for every worker and client. */
  dataConverter?: DataConverter;
  /** Fault injection for integration tests; never set in production. */
  faults?: Faults;
  /** Fault injection for a worker process under test (BERTH_FAULTS_FILE); see FileFaults. */
  faultsFile?: string;
}

export const defaultMaxCachedWorkflows = 50;

/** The worker for workflows and notifications (unless `workflows: false`), and one per selected Docker host for its activities. */
export async function createWorkers(setup: WorkerSetup): Promise<Worker[]> {
  const env = setup.env ?? process.env;
  const common = { connection: setup.connection, namespace: setup.namespace, ...(setup.dataConverter && { dataConverter: setup.dataConverter }) };
  const workflows = setup.workflowBundle ? { workflowBundle: setup.workflowBundle } : workflowSource(setup.dataConverter?.failureConverterPath);
  setup.log.info({ workflowCode: workflows.workflowsPath ? 'bundled at start' : 'prebuilt bundle' }, 'workflow code');
  // Host activities are built first: the workflow worker runs the quick steps of the hosts this process serves as local activities, with the same deps.
  const hosts = new Map<string, HostActivities>();
  for (const host of setup.hosts ?? Object.keys(setup.config.hosts)) {
    const deps = buildHostDeps(setup.config, host, setup.log, env, setup.faultsFile ? new FileFaults(setup.faultsFile, host) : setup.faults);
    // A proxy that cannot be driven as configured (a missing confDir, ...) stops Berth at start, not at the first switch.
    await deps.proxy.check();
    setup.log.info({ host, proxy: deps.proxy.kind, listen: deps.proxy.listen, owns: deps.proxy.ownership }, 'proxy driver ready');
    hosts.set(host, createHostActivities(deps));
  }
  const workers: Worker[] = [];
  if (setup.workflows ?? true) {
    workers.push(await Worker.create({
      ...common,
      ...workflows,
      taskQueue: setup.taskQueue,
      // The SDK's default grows with the heap (about 1,000 here). An idle owner wakes once per reconcile
      // interval and a smaller cache evicts it before that anyway, so past the workflows of the deploys
      // in flight a cache holds memory without saving replays (README, "Performance").
      maxCachedWorkflows: setup.config.temporal?.maxCachedWorkflows ?? defaultMaxCachedWorkflows,
      activities: {
        ...createNotifyActivities({ receivers: setup.config.notify, env, log: setup.log }),
        ...createPipelineActivities({ client: new Client({ connection: setup.connection, namespace: setup.namespace, dataConverter: setup.dataConverter }), taskQueue: setup.taskQueue }),
        ...createRegistryActivities({ config: setup.config, env, log: setup.log }),
        ...createLocalHostSteps(hosts),
      },
    }));
  }
  for (const [host, activities] of hosts) {
    workers.push(
      await Worker.create({
        ...common,
        taskQueue: hostTaskQueue(host),
        // Cancellation reaches an activity with its next heartbeat; keep that within seconds.
        maxHeartbeatThrottleInterval: '2s',
        activities,
      }),
    );
  }
  return workers;
}
