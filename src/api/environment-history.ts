import type { ReleaseSummary } from '../model/owner-types';
import type { DeploySummary } from './visibility';

/**
 * An environment's history comes from its owner when it has one, else from
 * visibility; the owner keeps the same facts in its own words.
 */
export function summaryFromOwner(project: string, environment: string, release: ReleaseSummary): DeploySummary {
  const { deploymentId, kind, image, digest, commit, requestedBy, status, finishedAt, approval } = release;
  const summary: DeploySummary = { id: deploymentId, kind, project, environment, image, digest, commit, release: release.release, requestedBy, status, finishedAt, approval };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as unknown as DeploySummary;
}

/** The release serving now: the newest deploy or rollback that succeeded. */
export function currentRelease(history: DeploySummary[]): DeploySummary | undefined {
  return history.find((entry) => entry.status === 'succeeded');
}

/** Where a rollback goes: the named release, or the newest earlier success that is not serving. */
export function rollbackTarget(history: DeploySummary[], release?: string): DeploySummary | undefined {
  const current = currentRelease(history);
  return history.find((entry) => entry.status === 'succeeded' && entry.release !== current?.release && (release === undefined || entry.release === release));
}

/** How `GET /v1/projects/:project/environments/:environment` shows one entry of the history. */
export function releaseView(summary: DeploySummary) {
  return {
    deploymentId: summary.id,
    kind: summary.kind,
    release: summary.release,
    image: summary.image,
    digest: summary.digest,
    commit: summary.commit,
    deployedAt: summary.finishedAt,
    by: summary.requestedBy,
    outcome: summary.status,
    ...(summary.approval && { approval: summary.approval }),
  };
}
