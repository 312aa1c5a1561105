import type { ApproverSummary } from './approval-types';
import type { DeployKind, DeploySpec, DeployStatus } from './types';

/** How the owner of one environment behaves; refreshed from config with every request. */
export interface OwnerSettings {
  project: string;
  environment: string;
  /** A preview instance's owner: one per instance, beside the environment's. */
  instance?: string;
  reconcileIntervalMs: number;
  /** Heals allowed within `healWindowMs` before reconciliation stops and alerts. */
  maxHeals: number;
  healWindowMs: number;
  idempotencyWindowMs: number;
  /** Deploys per workflow run before continue-as-new keeps the history short. */
  continueAsNewAfter: number;
  /** Reconcile passes after which an idle owner continues as new; absent in settings carried from before it existed (50). */
  continueAsNewAfterPasses?: number;
  historySize: number;
  /** `autoDeploy.poll`: the owner asks the registry on this interval; absent, it never does. */
  pollIntervalMs?: number;
}

export interface QueuedRequest {
  kind: DeployKind;
  spec: DeploySpec;
  idempotencyKey?: string;
  enqueuedAt: number;
}

export interface ReleaseSummary {
  deploymentId: string;
  kind: DeployKind;
  release: string;
  image: string;
  digest?: string;
  commit?: string;
  requestedBy: string;
  status: DeployStatus;
  finishedAt?: string;
  /** Who approved (or rejected) it, when the environment asks for approval. */
  approval?: ApproverSummary;
}

/** A request taken out of the queue by a person before it ran. */
export interface CancelledRequest {
  deploymentId: string;
  kind: DeployKind;
  image: string;
  requestedBy: string;
  enqueuedAt: number;
  cancelledBy: string;
  cancelledAt: string;
}

/**
 * What a host's worker saw happen to an environment's containers (Docker's
 * die, oom, destroy), or `resync` after its event stream was lost and events
 * may have been missed.
 */
export interface ContainerEventNotice {
  events: Array<{ action: string; release: string; containerId: string }>;
  resync?: boolean;
}

export interface ReconcileReport {
  at: string;
  healed: string[];
  problems: string[];
}

/** Everything the owner carries across continue-as-new. Plain data only. */
export interface OwnerState {
  settings: OwnerSettings;
  queue: QueuedRequest[];
  running?: string;
  /** The request `running` names, so the deploy can be read before its workflow has started. */
  runningRequest?: QueuedRequest;
  /** The release that should serve, with the spec that made it (for recreating it). */
  desired?: { summary: ReleaseSummary; spec: DeploySpec; upstream?: string };
  history: ReleaseSummary[];
  superseded: Array<{ deploymentId: string; by: string; image: string; requestedBy: string; enqueuedAt: number }>;
  /** Requests cancelled before they ran; absent in state carried from before cancel existed. */
  cancelled?: CancelledRequest[];
  idempotency: Array<{ key: string; deploymentId: string; at: number }>;
  paused: boolean;
  pausedReason?: string;
  healTimes: number[];
  lastReconcile?: ReconcileReport;
  /** A container event touched this desired release: reconcile as soon as no deploy runs. */
  healPending?: string;
  deploysThisRun: number;
  /** Reconcile passes since this run began; absent in state carried from before they were counted. */
  passesThisRun?: number;
  /** This run's workflow worker answered HostNotLocal to a pass: later passes go to the host's queue (asked again after continue-as-new). */
  reconcileElsewhere?: boolean;
  /** Workflow time of the next registry check (`autoDeploy.poll`); carried across continue-as-new so none is lost or doubled. */
  nextPollAt?: number;
}

export interface EnqueueRequest {
  kind: DeployKind;
  spec: DeploySpec;
  idempotencyKey?: string;
  settings: OwnerSettings;
  /** A pipeline waiting for this deploy: it gets `stageFinished` with the record. */
  replyTo?: string;
}

export interface EnqueueAnswer {
  deploymentId: string;
  status: 'queued';
  position: number;
  duplicate: boolean;
}
