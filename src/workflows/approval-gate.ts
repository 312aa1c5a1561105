import { ApplicationFailure, condition, patched, setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { failureTypes } from '../model/failures';
import { BerthStatus } from '../model/search-attributes';
import { approveSignal, decideUpdate, rejectSignal } from './definitions';
import { approverOf } from './environment-state';
import type { ApprovalDecision, DeployRecord, DeploySpec } from '../model/types';

const pastTense = { approve: 'approved', reject: 'rejected' } as const;

export function howToApprove(spec: DeploySpec): { api: string; temporal: string } {
  return {
    api: `curl -X POST ${spec.apiUrl}/v1/deployments/${spec.deploymentId}/approve -H "Authorization: Bearer $BERTH_TOKEN" -H 'content-type: application/json' -d '{"comment":"..."}'`,
    temporal: `temporal workflow signal --workflow-id ${spec.deploymentId} --name approve --input '{"by":"your-name","comment":"..."}'`,
  };
}

/**
 * The human gate. Handlers are set when the workflow starts, so a decision
 * that arrives early is kept; the first decision wins and repeats are harmless.
 */
export class ApprovalGate {
  private decided?: { decision: 'approve' | 'reject'; by: string; comment?: string; via: 'api' | 'signal'; at: string };

  constructor(private readonly record: DeployRecord) {
    setHandler(approveSignal, (input) => this.decide('approve', input, 'signal'));
    setHandler(rejectSignal, (input) => this.decide('reject', input, 'signal'));
    setHandler(
      decideUpdate,
      async (input) => {
        this.decide(input.decision, input, 'api');
        // Answer with the decision as recorded, once the gate has taken it.
        await condition(() => this.record.approval?.status !== 'waiting');
        return this.record.approval!;
      },
      {
        validator: (input) => {
          if (this.decided) {
            // Repeating the same decision is harmless; changing it is not allowed.
            if (this.decided.decision !== input.decision) throw new Error(`deployment ${this.record.id} was already ${pastTense[this.decided.decision]} by ${this.decided.by}`);
            return;
          }
          if (this.record.approval?.status !== 'waiting') throw new Error(`deployment ${this.record.id} is not waiting for approval (status: ${this.record.status})`);
        },
      },
    );
  }

  private decide(decision: 'approve' | 'reject', input: ApprovalDecision, via: 'api' | 'signal'): void {
    const open = this.record.status === 'awaiting_approval' || this.record.status === 'running';
    if (this.decided || !open) return;
    this.decided = { decision, by: String(input?.by ?? 'unknown'), comment: input?.comment, via, at: new Date().toISOString() };
  }

  /** Waits for a decision, reminding on schedule; throws when rejected or expired. */
  async wait(spec: DeploySpec, remind: () => Promise<void>): Promise<void> {
    const requestedAt = new Date().toISOString();
    this.record.status = 'awaiting_approval';
    this.record.approval = { status: 'waiting', requestedAt };
    upsertSearchAttributes([{ key: BerthStatus, value: 'awaiting_approval' }]);
    const hint = howToApprove(spec);
    setCurrentDetails(`**Waiting for approval** to deploy ${spec.image} to ${spec.environment}.\n\nApprove: send the signal \`approve\` with \`{"by":"your-name","comment":"..."}\`, or\n\n\`${hint.temporal}\`\n\n\`${hint.api}\``);

    const deadline = Date.now() + spec.approvalTimeoutMs;
    while (!this.decided && Date.now() < deadline) {
      const waitMs = Math.min(deadline - Date.now(), spec.approvalReminderMs ?? Number.MAX_SAFE_INTEGER);
      if ((await condition(() => this.decided !== undefined, waitMs)) || Date.now() >= deadline) break;
      await remind().catch(() => undefined);
    }
    this.record.status = 'running';
    upsertSearchAttributes([{ key: BerthStatus, value: 'running' }]);
    setCurrentDetails('');
    const decided = this.decided;
    if (!decided) {
      this.record.approval = { status: 'expired', requestedAt, decidedAt: new Date().toISOString() };
      throw ApplicationFailure.nonRetryable(`no decision within the approval timeout (${spec.approvalTimeoutMs} ms)`, failureTypes.expired);
    }
    const status = decided.decision === 'approve' ? 'approved' : 'rejected';
    this.record.approval = { status, requestedAt, decidedAt: decided.at, by: decided.by, via: decided.via, ...(decided.comment !== undefined && { comment: decided.comment }) };
    // In the memo, so the deploy list and history name the approver without a query.
    if (patched('approval-in-memo')) upsertMemo({ approval: approverOf(this.record.approval) });
    if (status === 'rejected') throw ApplicationFailure.nonRetryable(`rejected by ${decided.by}${decided.comment ? `: ${decided.comment}` : ''}`, failureTypes.rejected);
  }
}
