import type { AppSpec } from './app-types';
import type { MigrationSpec } from './migration-types';

/** Health check settings, durations in milliseconds. */
export interface HealthSpec {
  /** Liveness: the monitor after the switch and reconciliation probe it. */
  path: string;
  /** Readiness: gates the switch when set; otherwise `path` does. */
  readyPath?: string;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  /** How long to keep probing through the proxy after the switch; 0 turns it off. */
  monitorMs: number;
  /** Failed probes in the monitor window that revert the release. */
  monitorFailures: number;
}

/** The tag and digest that made Berth deploy by itself (`autoDeploy`). */
export interface DeployTrigger {
  tag: string;
  digest?: string;
}

/** A deploy of one tag to an environment with `previews`: its own instance, container, route and owner. */
export interface PreviewTarget {
  /** The instance's DNS label, also its name in labels, route ids and its owner's id. */
  instance: string;
  tag: string;
  /** `http://<instance>.<domain>[:port]`, for the answer, the record and notifications. */
  url: string;
  /** The environment's default name, pointed at this instance once it serves. */
  defaultHostname: string;
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
  /**
   * When `image` pins a digest that was first deployed by tag (a rollback):
   * that tag reference (`…/web:v1`), so records name the release as people know it.
   */
  deployedAs?: string;
  commit?: string;
  /** When the commit was made; lead time is measured from it. */
  commitTime?: string;
  requestedBy: string;
  /** What started a deploy by itself: the registry's push (or the poller's find) of this tag and digest. */
  trigger?: DeployTrigger;
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
  /** How long a step waits for the host's worker to pick it up; absent in deploys requested before it existed. */
  hostTimeoutMs?: number;
  health: HealthSpec;
  keep: number;
  drainMs: number;
  stopTimeoutMs: number;
  env: Record<string, string>;
  /** Environment variable name → secret reference (`env:NAME`, `file:/path`). */
  secretEnv: Record<string, string>;
  /** Set for a preview instance; `hostname` is then the instance's own. */
  preview?: PreviewTarget;
  /** Database migrations run before the candidate starts; the database URL stays a reference. */
  migrations?: MigrationSpec;
  /** Replicas, processes, volumes, limits, logging; absent: one web container as before. */
  app?: AppSpec;
}

/** A rollback re-points the environment at a retained release. */
export interface RollbackSpec extends DeploySpec {
  /** The release to bring back; its container is restarted, or recreated from `image` (pinned by digest). */
  targetRelease: string;
}
