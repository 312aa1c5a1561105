import { doraFigures, type FinishedDeploy } from './dora';
import { Gauge, Histogram, Registry } from 'prom-client';

export interface EnvironmentRef {
  project: string;
  environment: string;
}

/** A finished deploy or rollback as visibility knows it. */
export interface FinishedSummary extends FinishedDeploy, EnvironmentRef {
  startedAt?: string;
}

/** A finished deploy's record: only its steps are needed. */
export interface FinishedRecord extends EnvironmentRef {
  steps: Array<{ name: string; startedAt: string; finishedAt?: string }>;
}

/** Everything one scrape reports; gathered from Temporal by the API, rendered here without I/O. */
export interface MetricsSnapshot {
  now: Date;
  environments: EnvironmentRef[];
  /** All-time count per environment and BerthStatus. */
  counts: Array<EnvironmentRef & { status: string; count: number }>;
  /** Deploys and rollbacks that finished within the longest DORA window. */
  finished: FinishedSummary[];
  /** The newest finished deploys (at most `sampleSize`) whose durations the histograms show. */
  sample: FinishedSummary[];
  sampleRecords: FinishedRecord[];
  sampleSize: number;
}

export const doraWindows = [
  { label: '7d', ms: 7 * 86_400_000 },
  { label: '30d', ms: 30 * 86_400_000 },
];

const deployBuckets = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600];
const stepBuckets = [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600];

const seconds = (from: string | undefined, to: string | undefined) => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : undefined);

type Labels = Record<string, string>;
type Sample = { labels: Labels; value: number };

function gauge(registry: Registry, name: string, help: string, labelNames: string[], samples: Sample[]): void {
  const metric = new Gauge({ name, help, labelNames, registers: [registry] });
  for (const { labels, value } of samples) metric.set(labels, value);
}

/** Observations without a finite value (a step still running) are left out. */
/** Label names are given even when nothing is observed: without them prom-client reports a series of zeros. */
function histogram<T>(registry: Registry, name: string, help: string, buckets: number[], labelNames: string[], items: T[], labelsOf: (item: T) => Labels, valueOf: (item: T) => number | undefined): void {
  const metric = new Histogram({ name, help, buckets, labelNames, registers: [registry] });
  for (const item of items) {
    const value = valueOf(item);
    if (value !== undefined && Number.isFinite(value)) metric.observe(labelsOf(item), value);
  }
}

/**
 * Berth's metrics for one scrape, in a registry of their own: the sample
 * slides, so each scrape builds its series afresh from the snapshot.
 */
export function renderMetrics(snapshot: MetricsSnapshot): Registry {
  const registry = new Registry();
  const counts = snapshot.counts.filter((entry) => entry.status !== 'awaiting_approval');
  gauge(
    registry,
    'berth_deploys',
    'Deploys and rollbacks per environment by current status, counted in Temporal visibility (all time).',
    ['project', 'environment', 'status'],
    counts.map(({ project, environment, status, count }) => ({ labels: { project, environment, status }, value: count })),
  );
  gauge(
    registry,
    'berth_approvals_waiting',
    'Deploys waiting for a person to approve them.',
    ['project', 'environment'],
    snapshot.environments.map(({ project, environment }) => ({
      labels: { project, environment },
      value: snapshot.counts.find((entry) => entry.project === project && entry.environment === environment && entry.status === 'awaiting_approval')?.count ?? 0,
    })),
  );
  histogram(
    registry,
    'berth_deploy_duration_seconds',
    `Start to finish of the newest ${snapshot.sampleSize} finished deploys and rollbacks (a sliding sample, not a counter).`,
    deployBuckets,
    ['project', 'environment', 'kind', 'outcome'],
    snapshot.sample,
    (d) => ({ project: d.project, environment: d.environment, kind: d.kind, outcome: d.status }),
    (d) => seconds(d.startedAt, d.finishedAt),
  );
  const steps = snapshot.sampleRecords.flatMap((record) => record.steps.map((step) => ({ ...step, project: record.project, environment: record.environment })));
  histogram(
    registry,
    'berth_step_duration_seconds',
    `Duration of each step in the newest ${snapshot.sampleSize} finished deploys and rollbacks (a sliding sample, not a counter).`,
    stepBuckets,
    ['project', 'environment', 'step'],
    steps,
    (s) => ({ project: s.project, environment: s.environment, step: s.name }),
    (s) => seconds(s.startedAt, s.finishedAt),
  );
  renderDora(registry, snapshot);
  return registry;
}

function renderDora(registry: Registry, snapshot: MetricsSnapshot): void {
  const frequency: Sample[] = [];
  const leadTime: Sample[] = [];
  const failureRate: Sample[] = [];
  const restore: Sample[] = [];
  for (const { project, environment } of snapshot.environments) {
    const deploys = snapshot.finished.filter((d) => d.project === project && d.environment === environment);
    for (const window of doraWindows) {
      const figures = doraFigures(deploys, snapshot.now, window.ms);
      const labels = { project, environment, window: window.label };
      frequency.push({ labels, value: figures.deploysPerDay });
      if (figures.leadTimeSeconds !== undefined) leadTime.push({ labels, value: figures.leadTimeSeconds });
      if (figures.changeFailureRate !== undefined) failureRate.push({ labels, value: figures.changeFailureRate });
      if (figures.timeToRestoreSeconds !== undefined) restore.push({ labels, value: figures.timeToRestoreSeconds });
    }
  }
  const labelNames = ['project', 'environment', 'window'];
  gauge(registry, 'berth_dora_deployment_frequency_per_day', 'Successful deploys (not rollbacks) per day over the window.', labelNames, frequency);
  gauge(registry, 'berth_dora_lead_time_seconds', 'Median time from commit (the commitTime of the deploy request) to its successful deploy, over the window.', labelNames, leadTime);
  gauge(registry, 'berth_dora_change_failure_rate', 'Failed and rolled-back deploys divided by succeeded, failed and rolled-back deploys, over the window.', labelNames, failureRate);
  gauge(registry, 'berth_dora_time_to_restore_seconds', 'Median time from a failed or rolled-back deploy to the next success, over the window.', labelNames, restore);
}
