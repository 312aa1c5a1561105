import { createHash } from 'node:crypto';
import type { Client, RawWorkflowExecutionInfo } from '@temporalio/client';
import { defaultPayloadConverter, optionalTsToDate, type Payload } from '@temporalio/common';
import { isFinal, type ApproverSummary, type DeployKind, type DeployStatus } from '../model/types';
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

/** Memos pass through the payload codec like everything else; search attributes never do. */
async function withDecodedMemo(client: Client, raw: RawWorkflowExecutionInfo): Promise<RawWorkflowExecutionInfo> {
  const codecs = client.options.loadedDataConverter.payloadCodecs;
  const fields = raw.memo?.fields;
  if (codecs.length === 0 || !fields) return raw;
  const decoded: Record<string, Payload> = {};
  for (const [key, payload] of Object.entries(fields)) {
    let current = [payload as Payload];
    for (const codec of [...codecs].reverse()) current = await codec.decode(current);
    decoded[key] = current[0];
  }
  return { ...raw, memo: { fields: decoded } } as RawWorkflowExecutionInfo;
}

export function summaryOf(raw: RawWorkflowExecutionInfo): DeploySummary {
  const memo = Object.fromEntries(Object.entries(raw.memo?.fields ?? {}).map(([key, payload]) => [key, decode(payload as Payload)])) as Partial<DeployMemo> & { commitTime?: string };
  const attribute = (key: string) => decode((raw.searchAttributes?.indexedFields ?? {})[key] as Payload | undefined) as string | undefined;
  // The outcome's time, not the close: a deploy closes only after its notifications are out.
  const finishedAt = memo.finishedAt ?? optionalTsToDate(raw.closeTime)?.toISOString();
  let status = (attribute('BerthStatus') ?? 'queued') as DeployStatus;
  if (finishedAt && !isFinal(status)) {
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

const invalidToken = 'pageToken: should be the nextPageToken of an earlier page with the same filters';

function checksum(query: string, raw: Uint8Array): Buffer {
  return createHash('sha256').update(query).update('\0').update(raw).digest().subarray(0, 8);
}

/** Temporal's token behind a checksum of the query it belongs to, base64url. */
export function encodePageToken(query: string, raw: Uint8Array): string {
  return Buffer.concat([checksum(query, raw), raw]).toString('base64url');
}

/**
 * Temporal's token, or a 400. The server answers a garbled token with gRPC
 * UNKNOWN, which the client retries for half a minute; garbage stops here.
 */
export function decodePageToken(query: string, token: string): Buffer {
  const bytes = Buffer.from(token, 'base64url');
  const raw = bytes.subarray(8);
  if (bytes.length <= 8 || !checksum(query, raw).equals(bytes.subarray(0, 8))) throw new HttpError('invalid_request', invalidToken);
  return raw;
}

// A token that passes the checksum but that the server still refuses must not hold the request for the client's retries.
const listDeadlineMs = 5_000;

/** One page of a visibility query; tokens travel base64url-encoded through the API. */
export async function listPage(client: Client, query: string, pageSize: number, pageToken?: string): Promise<{ deploys: DeploySummary[]; nextPageToken: string | null }> {
  const nextPageToken = pageToken ? decodePageToken(query, pageToken) : undefined;
  try {
    const response = await client.connection.withDeadline(Date.now() + listDeadlineMs, () =>
      client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize, nextPageToken }),
    );
    const next = response.nextPageToken?.length ? encodePageToken(query, response.nextPageToken) : null;
    const executions = await Promise.all(response.executions.map((raw) => withDecodedMemo(client, raw)));
    return { deploys: executions.map(summaryOf), nextPageToken: next };
  } catch (error) {
    // With a valid query, INVALID_ARGUMENT, UNKNOWN or a deadline on a paged call can only be the token.
    if (pageToken && [2, 3, 4].includes((error as { code?: number }).code ?? -1)) throw new HttpError('invalid_request', invalidToken);
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
