import type { OwnerSettings } from './owner-types';
import type { DeploySpec, DeployStatus } from './types';

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

export interface PipelineSpec {
  pipelineId: string;
  project: string;
  requestedBy: string;
  /** The project's image repository, to pin later stages by digest. */
  repository: string;
  /** One deploy per environment, in order; each later stage deploys the digest the first one pinned. */
  stages: DeploySpec[];
  /** The owner settings of each stage's environment. */
  settings: OwnerSettings[];
}
