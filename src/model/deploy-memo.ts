import type { ApproverSummary } from './approval-types';
import type { DeployKind, DeployTrigger } from './types';

/** Kept in the workflow memo, so lists and early reads need no query. */
export interface DeployMemo {
  kind: DeployKind | 'pipeline';
  project: string;
  environment: string;
  image: string;
  release: string;
  requestedBy: string;
  commit?: string;
  commitTime?: string;
  /** The push (tag and digest) that started an automatic deploy. */
  trigger?: DeployTrigger;
  /** Upserted by the workflow once the image is pinned. */
  digest?: string;
  /** Upserted with the outcome; the workflow itself closes later, once its notifications are out. */
  finishedAt?: string;
  /** Upserted by the workflow once a person decided. */
  approval?: ApproverSummary;
}
