import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { ReleaseSummary } from '../model/owner-types';
import type { ApproverSummary, DeployKind, DeployStatus } from '../model/types';
import type { DeployMemo } from '../model/deploy-memo';
import { quoted } from './visibility';

/** One deploy or rollback of an environment, as Temporal's visibility records it. */
export interface ReleaseEntry {
  deploymentId: string;
  kind: DeployKind;
  release: string;
  image: string;
  digest?: string;
  commit?: string;
  deployedAt?: string;
  by: string;
  outcome: DeployStatus;
  /** Who approved it (or rejected it), when, with what comment, and via the API or a signal. */
  approval?: ApproverSummary;
}

function entryOf(info: WorkflowExecutionInfo): ReleaseEntry {
  const memo = (info.memo ?? {}) as unknown as DeployMemo;
  const status = info.searchAttributes?.BerthStatus as string[] | undefined;
  return {
    deploymentId: info.workflowId,
    kind: memo.kind as DeployKind,
    release: memo.release,
    image: memo.image,
    digest: memo.digest,
    commit: memo.commit,
    deployedAt: memo.finishedAt ?? info.closeTime?.toISOString(),
    by: memo.requestedBy,
    outcome: (status?.[0] ?? 'queued') as DeployStatus,
    ...(memo.approval && { approval: memo.approval }),
  };
}

/** Newest first: every deploy and rollback of the environment, up to `limit`. */
export async function environmentHistory(client: Client, project: string, environment: string, limit = 50): Promise<ReleaseEntry[]> {
  const entries: ReleaseEntry[] = [];
  const query = `BerthProject = ${quoted(project)} AND BerthEnvironment = ${quoted(environment)}`;
  for await (const info of client.workflow.list({ query, pageSize: limit })) {
    entries.push(entryOf(info));
    if (entries.length >= limit) break;
  }
  return entries;
}

/** The release serving now: the newest deploy or rollback that succeeded. */
export function currentRelease(history: ReleaseEntry[]): ReleaseEntry | undefined {
  return history.find((entry) => entry.outcome === 'succeeded');
}

/** Where a rollback goes: the named release, or the newest earlier success that is not serving. */
export function rollbackTarget(history: ReleaseEntry[], release?: string): ReleaseEntry | undefined {
  const current = currentRelease(history);
  return history.find(
    (entry) => entry.outcome === 'succeeded' && entry.release !== current?.release && (release === undefined || entry.release === release),
  );
}

/** The owner keeps the same facts as visibility, in its own words. */
export function entryFromOwner(summary: ReleaseSummary): ReleaseEntry {
  return {
    deploymentId: summary.deploymentId,
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
