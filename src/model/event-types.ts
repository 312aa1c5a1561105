import type { DeployKind, DeployStatus, StepName } from './types';

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
    | 'drift_alert'
    | 'instance_removed';
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
  /** A preview instance's address. */
  url?: string;
  /** A preview instance's tag (`instance_removed` says which). */
  tag?: string;
  /** While awaiting approval: what serves now, and how to approve. */
  current?: { release: string; image: string; digest: string };
  howToApprove?: { api: string; temporal: string };
  at: string;
}
