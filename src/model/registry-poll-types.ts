import type { DeploySpec } from './types';

/** What the owner asks the registry activity on each poll. */
export interface RegistryPollRequest {
  project: string;
  environment: string;
  /** The id a deploy found by this check gets; made by the workflow, so a retried activity names the same one. */
  deploymentId: string;
  /** The tag that made the serving release (its trigger), so a `/pattern/` never offers an older semver. */
  servingTag?: string;
}

/** One tag the registry holds for the environment's rules, and the deploy it would be (pinned by that digest). */
export interface PolledCandidate {
  tag: string;
  digest: string;
  spec: DeploySpec;
}

/** The registry's answer: candidates in order of preference (literal tags as written, then the newest pattern match). */
export interface RegistryPollAnswer {
  candidates: PolledCandidate[];
  /** Why nothing was looked up: poll is off in this worker's config, or the window refuses deploys now. */
  reason?: string;
}
