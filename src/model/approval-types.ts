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

export interface DecideRequest extends ApprovalDecision {
  decision: 'approve' | 'reject';
}

/** Who decided, as the environment's history and the deploy list show it. */
export interface ApproverSummary {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  comment?: string;
  via: 'api' | 'signal';
}
