import { doraFigures, type FinishedDeploy } from './dora';
import { groupBy, PrometheusText, type Sample } from './prometheus-text';

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

export function renderMetrics(snapshot: MetricsSnapshot): string {
  const out = new PrometheusText();
  const counts = snapshot.counts.filter((entry) => entry.status !== 'awaiting_approval');
  out.gauge(
    'berth_deploys',
    'Deploys and rollbacks per environment by current status, counted in Temporal visibility (all time).',
    counts.map(({ project, environment, status, count }) => ({ labels: { project, environment, status }, value: count })),
  );
  out.gauge(
    'berth_approvals_waiting',
    'Deploys waiting for a person to approve them.',
    snapshot.environments.map(({ project, environment }) => ({
      labels: { project, environment },
      value: snapshot.counts.find((entry) => entry.project === project && entry.environment === environment && entry.status === 'awaiting_approval')?.count ?? 0,
    })),
  );
  out.histogram(
    'berth_deploy_duration_seconds',
    `Start to finish of the newest ${snapshot.sampleSize} finished deploys and rollbacks (a sliding sample, not a counter).`,
    deployBuckets,
    groupBy(snapshot.sample, (d) => ({ project: d.project, environment: d.environment, kind: d.kind, outcome: d.status }), (d) => seconds(d.startedAt, d.finishedAt)),
  );
  const steps = snapshot.sampleRecords.flatMap((record) => record.steps.map((step) => ({ ...step, project: record.project, environment: record.environment })));
  out.histogram(
    'berth_step_duration_seconds',
    `Duration of each step in the newest ${snapshot.sampleSize} finished deploys and rollbacks (a sliding sample, not a counter).`,
    stepBuckets,
    groupBy(steps, (s) => ({ project: s.project, environment: s.environment, step: s.name }), (s) => seconds(s.startedAt, s.finishedAt)),
  );
  renderDora(out, snapshot);
  return out.toString();
}

function renderDora(out: PrometheusText, snapshot: MetricsSnapshot): void {
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
  out.gauge('berth_dora_deployment_frequency_per_day', 'Successful deploys (not rollbacks) per day over the window.', frequency);
  out.gauge('berth_dora_lead_time_seconds', 'Median time from commit (the commitTime of the deploy request) to its successful deploy, over the window.', leadTime);
  out.gauge('berth_dora_change_failure_rate', 'Failed and rolled-back deploys divided by succeeded, failed and rolled-back deploys, over the window.', failureRate);
  out.gauge('berth_dora_time_to_restore_seconds', 'Median time from a failed or rolled-back deploy to the next success, over the window.', restore);
}
