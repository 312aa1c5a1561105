import { createHash } from 'node:crypto';
import { defaultPayloadConverter, optionalTsToDate, type Payload, type PayloadCodec, type Timestamp } from '@temporalio/common';
import type { DeployMemo } from '../model/deploy-memo';
import { isFinal, type ApproverSummary, type DeployKind, type DeployStatus } from '../model/types';
import { HttpError } from './http-error';

/**
 * One deploy, rollback or pipeline as Temporal's visibility store describes it
 * (no query, no history): what lists, environment history and metrics read.
 */
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

/**
 * What the decoder reads of one execution in a visibility answer (Temporal's
 * WorkflowExecutionInfo, its memo already through the payload codec).
 */
export interface VisibilityExecution {
  execution?: { workflowId?: string | null } | null;
  type?: { name?: string | null } | null;
  startTime?: Timestamp | null;
  closeTime?: Timestamp | null;
  status?: number | null;
  memo?: { fields?: Record<string, Payload> | null } | null;
  searchAttributes?: { indexedFields?: Record<string, Payload> | null } | null;
}

/** The one decoder from a visibility execution (memo and search attributes) to a deploy's summary. */
export function decodeDeploySummary(raw: VisibilityExecution): DeploySummary {
  const memo = Object.fromEntries(Object.entries(raw.memo?.fields ?? {}).map(([key, payload]) => [key, decode(payload)])) as Partial<DeployMemo>;
  const attribute = (key: string) => decode((raw.searchAttributes?.indexedFields ?? {})[key]) as string | undefined;
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

export const invalidToken = 'pageToken: should be the nextPageToken of an earlier page with the same filters';

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

/** Memos pass through the payload codec like everything else; search attributes never do. */
export async function withDecodedMemo(codecs: PayloadCodec[], raw: VisibilityExecution): Promise<VisibilityExecution> {
  const fields = raw.memo?.fields;
  if (codecs.length === 0 || !fields) return raw;
  const decoded: Record<string, Payload> = {};
  for (const [key, payload] of Object.entries(fields)) {
    let current = [payload];
    for (const codec of [...codecs].reverse()) current = await codec.decode(current);
    decoded[key] = current[0];
  }
  return { ...raw, memo: { fields: decoded } };
}

/** Every match of a paged list, newest first, stopping at `limit`. */
export async function allPages(page: (pageSize: number, token?: string) => Promise<{ deploys: DeploySummary[]; nextPageToken: string | null }>, limit: number): Promise<DeploySummary[]> {
  const all: DeploySummary[] = [];
  let token: string | undefined;
  do {
    const next = await page(Math.min(1000, limit - all.length), token);
    all.push(...next.deploys);
    token = next.nextPageToken ?? undefined;
  } while (token && all.length < limit);
  return all.slice(0, limit);
}
