import type { MigrationResult, MigrationSpec } from './migration-types';

/**
 * Types shared by workflows, activities and the API. Pure data only: this file
 * is bundled into the workflow sandbox.
 */

export type DeployStatus =
  | 'queued'
  | 'running'
  | 'awaiting_approval'
  | 'succeeded'
  | 'rolled_back'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'cancelled'
  | 'superseded';

export type StepName =
  | 'pull'
  | 'preflight'
  | 'approval'
  | 'window'
  | 'migrate'
  | 'prepare'
  | 'start'
  | 'health'
  | 'switch'
  | 'monitor'
  | 'drain'
  | 'retire'
  | 'compensation'
  | 'notify';

export type StepStatus = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'skipped';

/** One numbered line of a deploy's event log: a step changing state, or output. */
export interface DeployEventLine {
  id: number;
  at: string;
  type: 'step' | 'log';
  step: StepName;
  status?: StepStatus;
  message: string;
}

export interface StepRecord {
  name: StepName;
  status: StepStatus;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

/** Health check settings, durations in milliseconds. */
export interface HealthSpec {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  /** How long to keep probing through the proxy after the switch; 0 turns it off. */
  monitorMs: number;
  /** Failed probes in the monitor window that revert the release. */
  monitorFailures: number;
}

/**
 * Everything a deploy needs, fixed when it is requested so that a config edit
 * never changes a running deploy. Secrets appear only as references.
 */
export interface DeploySpec {
  deploymentId: string;
  project: string;
  environment: string;
  /** Image reference as requested (`repo:tag` or `repo@sha256:...`). */
  image: string;
  commit?: string;
  /** When the commit was made; lead time is measured from it. */
  commitTime?: string;
  requestedBy: string;
  /** `required` environments wait for a person before anything visible changes. */
  approval: 'required' | 'none';
  approvalTimeoutMs: number;
  approvalReminderMs?: number;
  /** A weekly window such as `Mon-Fri 09:00-17:00 Europe/Berlin`; absent: any time. */
  window?: string;
  /** Where the API answers, for the "how to approve" hint. */
  apiUrl: string;
  host: string;
  hostname: string;
  network: string;
  portRange: { from: number; to: number };
  health: HealthSpec;
  keep: number;
  drainMs: number;
  stopTimeoutMs: number;
  env: Record<string, string>;
  /** Environment variable name → secret reference (`env:NAME`, `file:/path`). */
  secretEnv: Record<string, string>;
  /** Database migrations run before the candidate starts; the database URL stays a reference. */
  migrations?: MigrationSpec;
}

/** A running or stopped release of one environment, as Docker reports it. */
export interface ReleaseContainer {
  id: string;
  name: string;
  release: string;
  image: string;
  digest: string;
  port?: number;
  running: boolean;
  createdAt: string;
}

export interface PulledImage {
  /** `repo@sha256:...`, what the container is created from. */
  pinnedRef: string;
  digest: string;
}

export interface Candidate {
  containerId: string;
  containerName: string;
  /** The address the proxy dials: `127.0.0.1:21004` or `berth-web-staging-x:8080`. */
  upstream: string;
  port?: number;
}

/** What a deploy or rollback changed, for the record and for undo. */
export type DeployKind = 'deploy' | 'rollback';

export interface ApprovalRecord {
  status: 'waiting' | 'approved' | 'rejected' | 'expired';
  requestedAt: string;
  decidedAt?: string;
  by?: string;
  comment?: string;
  /** `api` when decided through Berth's API, `signal` when sent from the Web UI or CLI. */
  via?: 'api' | 'signal';
}

/** What a person sends to decide: the API fills `by` from the token's name. */
export interface ApprovalDecision {
  by: string;
  comment?: string;
}

export interface DeployRecord {
  id: string;
  kind: DeployKind;
  project: string;
  environment: string;
  image: string;
  digest?: string;
  commit?: string;
  requestedBy: string;
  status: DeployStatus;
  reason?: string;
  failedStep?: StepName;
  /** The last lines the failing container wrote, when a container failed. */
  logTail?: string;
  /** Undo steps that failed and need a person. */
  leftToFix?: string[];
  release: string;
  approval?: ApprovalRecord;
  /** What the migrate step did: versions before and after, files applied. */
  migration?: MigrationResult;
  /** With `rollback: never`, a failed deploy says plainly that the schema stayed forward. */
  schemaNote?: string;
  upstream?: string;
  previousRelease?: string;
  createdAt: string;
  finishedAt?: string;
  steps: StepRecord[];
  /** Numbered, in order; `GET /v1/deployments/:id/events` streams them. */
  events: DeployEventLine[];
}

/** The event posted to notification receivers. */
export interface DeployEvent {
  event:
    | 'started'
    | 'awaiting_approval'
    | 'approval_reminder'
    | 'succeeded'
    | 'failed'
    | 'rolled_back'
    | 'cancelled'
    | 'rejected'
    | 'expired'
    | 'compensation_failed'
    | 'drift_healed'
    | 'drift_alert';
  kind: DeployKind;
  deploymentId: string;
  project: string;
  environment: string;
  image: string;
  digest?: string;
  status: DeployStatus;
  reason?: string;
  failedStep?: StepName;
  logTail?: string;
  leftToFix?: string[];
  commit?: string;
  /** While awaiting approval: what serves now, and how to approve. */
  current?: { release: string; image: string; digest: string };
  howToApprove?: { api: string; temporal: string };
  at: string;
}

/** A rollback re-points the environment at a retained release. */
export interface RollbackSpec extends DeploySpec {
  /** The release to bring back; its container is restarted, or recreated from `image` (pinned by digest). */
  targetRelease: string;
}

export interface PulledImageInfo extends PulledImage {
  /** False when this pull brought the image to the host, so undo may remove it. */
  presentBefore: boolean;
}

/** Staged promotion of one digest through several environments. */
export interface PipelineRecord {
  id: string;
  kind: 'pipeline';
  project: string;
  requestedBy: string;
  image: string;
  digest?: string;
  status: DeployStatus;
  reason?: string;
  createdAt: string;
  finishedAt?: string;
  stages: Array<{ environment: string; deploymentId: string; status: DeployStatus }>;
}
