import type { Client, RawWorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter, optionalTsToDate, type Payload } from '@temporalio/common';
import type { ApproverSummary, DeployKind, DeployStatus } from '../model/types';
import type { DeployMemo } from './deployment-service';
import { HttpError } from './http-error';

/** One deploy, rollback or pipeline as Temporal's visibility store describes it: no query, no history. */
export interface DeploySummary {
  id: string;
  kind: DeployKind | 'pipeline';
  project: string;
  environment?: string;
  image?: string;
  digest?: string;
  commit?: string;
  /** When the commit was made, if the deploy request said; lead time starts here. */
  commitTime?: string;
  release?: string;
  requestedBy?: string;
  status: DeployStatus;
  startedAt?: string;
  finishedAt?: string;
  /** Who approved (or rejected) it: by, at, comment, via. */
  approval?: ApproverSummary;
}

/** Temporal's WorkflowExecutionStatus numbers, for executions that closed without setting BerthStatus. */
const closedStatus: Record<number, DeployStatus> = { 3: 'failed', 4: 'cancelled', 5: 'failed', 7: 'failed' };

function decode(payload: Payload | undefined): unknown {
  if (!payload) return undefined;
  const value = defaultPayloadConverter.fromPayload(payload);
  // Older servers return keyword attributes as one-element lists.
  return Array.isArray(value) ? value[0] : value;
}

export function summaryOf(raw: RawWorkflowExecutionInfo): DeploySummary {
  const memo = Object.fromEntries(Object.entries(raw.memo?.fields ?? {}).map(([key, payload]) => [key, decode(payload as Payload)])) as Partial<DeployMemo> & { commitTime?: string };
  const attribute = (key: string) => decode((raw.searchAttributes?.indexedFields ?? {})[key] as Payload | undefined) as string | undefined;
  // The outcome's time, not the close: a deploy closes only after its notifications are out.
  const finishedAt = memo.finishedAt ?? optionalTsToDate(raw.closeTime)?.toISOString();
  let status = (attribute('BerthStatus') ?? 'queued') as DeployStatus;
  if (finishedAt && !['succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'cancelled', 'superseded'].includes(status)) {
    status = closedStatus[raw.status ?? 0] ?? 'failed';
  }
  const summary: DeploySummary = {
    id: raw.execution?.workflowId ?? '',
    kind: memo.kind ?? (raw.type?.name === 'rollbackWorkflow' ? 'rollback' : raw.type?.name === 'pipelineWorkflow' ? 'pipeline' : 'deploy'),
    project: memo.project ?? attribute('BerthProject') ?? '',
    environment: memo.environment ?? attribute('BerthEnvironment'),
    image: memo.image ?? attribute('BerthImage'),
    digest: memo.digest,
    commit: memo.commit ?? attribute('BerthCommit'),
    commitTime: memo.commitTime,
    release: memo.release,
    requestedBy: memo.requestedBy,
    status,
    startedAt: optionalTsToDate(raw.startTime)?.toISOString(),
    finishedAt,
    approval: memo.approval,
  };
  return Object.fromEntries(Object.entries(summary).filter(([, value]) => value !== undefined)) as unknown as DeploySummary;
}

/** Deploys and rollbacks only: other workflows (an environment's owner) may carry Berth's search attributes too. */
export const deployTypes = 'WorkflowType IN ("deployWorkflow", "rollbackWorkflow")';
export const deployAndPipelineTypes = 'WorkflowType IN ("deployWorkflow", "rollbackWorkflow", "pipelineWorkflow")';

/** A visibility query value: quotes and backslashes cannot occur in the names the API accepts. */
export function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '')}"`;
}

/** One page of a visibility query; tokens travel base64url-encoded through the API. */
export async function listPage(client: Client, query: string, pageSize: number, pageToken?: string): Promise<{ deploys: DeploySummary[]; nextPageToken: string | null }> {
  try {
    const response = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      query,
      pageSize,
      nextPageToken: pageToken ? Buffer.from(pageToken, 'base64url') : undefined,
    });
    const next = response.nextPageToken?.length ? Buffer.from(response.nextPageToken).toString('base64url') : null;
    return { deploys: response.executions.map(summaryOf), nextPageToken: next };
  } catch (error) {
    // gRPC INVALID_ARGUMENT: with a valid query that can only be the token.
    if (pageToken && (error as { code?: number }).code === 3) throw new HttpError('invalid_request', 'pageToken: should be the nextPageToken of an earlier page with the same filters');
    throw error;
  }
}

/** Every match, newest first, stopping at `limit`. */
export async function listAll(client: Client, query: string, limit: number): Promise<DeploySummary[]> {
  const all: DeploySummary[] = [];
  let token: string | undefined;
  do {
    const page = await listPage(client, query, Math.min(1000, limit - all.length), token);
    all.push(...page.deploys);
    token = page.nextPageToken ?? undefined;
  } while (token && all.length < limit);
  return all.slice(0, limit);
}
