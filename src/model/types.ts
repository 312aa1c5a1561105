import type { ApprovalRecord } from './approval-types';
import type { MigrationResult } from './migration-types';

export type { ApprovalDecision, ApprovalRecord, ApproverSummary } from './approval-types';
export type { DeploySpec, DeployTrigger, HealthSpec, PreviewTarget, RollbackSpec } from './spec-types';
import type { DeployTrigger } from './spec-types';

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

/** Outcomes after which a deploy changes no more. */
export const finalStatuses: readonly DeployStatus[] = ['succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'cancelled', 'superseded'];

export function isFinal(status: DeployStatus): boolean {
  return finalStatuses.includes(status);
}

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

/** A running or stopped release of one environment, as Docker reports it. */
export interface ReleaseContainer {
  id: string;
  name: string;
  release: string;
  image: string;
  digest: string;
  /** The image the container runs (`sha256:...`), from Docker's listing. */
  imageId?: string;
  port?: number;
  running: boolean;
  createdAt: string;
  /** `web` or a process name, and the replica index; absent on one-container releases. */
  process?: string;
  replica?: number;
}

export interface PulledImage {
  /** `repo@sha256:...`, what the container is created from. */
  pinnedRef: string;
  digest: string;
}

export interface Candidate {
  containerId: string;
  containerName: string;
  /**
   * The address the proxy dials: `127.0.0.1:21004` or `berth-web-staging-x:8080`;
   * with replicas, every replica's, comma-separated (see model/upstream-list.ts).
   */
  upstream: string;
  port?: number;
  /** With app settings: every web replica, replica 0 (the fields above) first. */
  replicas?: ReplicaContainer[];
  /** With app settings: the release's background process containers. */
  processes?: ProcessContainer[];
}

/** One web replica of a release. */
export interface ReplicaContainer {
  containerId: string;
  containerName: string;
  upstream: string;
  port?: number;
}

/** One container of a background process of a release. */
export interface ProcessContainer {
  containerId: string;
  containerName: string;
  process: string;
  replica: number;
}

/** What a deploy or rollback changed, for the record and for undo. */
export type DeployKind = 'deploy' | 'rollback';

export interface DeployRecord {
  id: string;
  kind: DeployKind;
  project: string;
  environment: string;
  image: string;
  digest?: string;
  commit?: string;
  requestedBy: string;
  /** For a deploy the registry (or the poller) started: the tag and digest it saw. */
  trigger?: DeployTrigger;
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
  /** A preview instance's address. */
  url?: string;
  previousRelease?: string;
  /** Set while a step waits for the host's worker: `waiting for host app2's worker`. */
  waitingFor?: string;
  createdAt: string;
  finishedAt?: string;
  steps: StepRecord[];
  /** Numbered, in order; `GET /v1/deployments/:id/events` streams them. */
  events: DeployEventLine[];
}

export interface PulledImageInfo extends PulledImage {
  /** False when this pull brought the image to the host, so undo may remove it. */
  presentBefore: boolean;
  /** A few lines for the deploy's events: "pulled 45 MB of 120 MB". */
  progress?: string[];
}

