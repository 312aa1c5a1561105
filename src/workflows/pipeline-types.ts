import type { DeployStatus } from './types';

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
