/** A person's decision on a deploy, as recorded. Pure data. */
export interface ApprovalRecord {
  status: 'waiting' | 'approved' | 'rejected' | 'expired';
  requestedAt: string;
  decidedAt?: string;
  by?: string;
  comment?: string;
  /** `api` when decided through Berth's API, `signal` when sent from the Web UI or CLI. */
  via?: 'api' | 'signal';
}

/** What a person sends to decide: the API fills `by` from the token's name. */
export interface ApprovalDecision {
  by: string;
  comment?: string;
}

/** Who decided, as the environment's history and the deploy list show it. */
export interface ApproverSummary {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
  via: 'api' | 'signal';
}

/** The decision in a record, when a person made one. */
export function approverOf(approval: ApprovalRecord | undefined): ApproverSummary | undefined {
  if (!approval || (approval.status !== 'approved' && approval.status !== 'rejected') || !approval.by || !approval.decidedAt) return undefined;
  return { decision: approval.status, by: approval.by, at: approval.decidedAt, ...(approval.comment !== undefined && { comment: approval.comment }), via: approval.via ?? 'signal' };
}
