import { ApplicationFailure } from '@temporalio/workflow';
import type { DeployEvent } from '../model/event-types';
import { failureTypes, tailMarkers } from '../model/failures';
import type { DeployRecord, DeployStatus } from '../model/types';

/** Pure helpers that turn how a deploy ended into its outcome and its words. */

export function finalEvent(outcome: DeployStatus): DeployEvent['event'] {
  const named = ['succeeded', 'rolled_back', 'cancelled', 'rejected', 'expired'] as const;
  return (named as readonly string[]).includes(outcome) ? (outcome as (typeof named)[number]) : 'failed';
}

/** A person said no, or nobody answered in time: not a failure of the release. */
export function gateOutcomeOf(error: unknown): 'rejected' | 'expired' | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  if (error.type === failureTypes.rejected) return 'rejected';
  if (error.type === failureTypes.expired) return 'expired';
  return undefined;
}

/** The log tail inside a reason: how failures carried it before they carried details, kept for deploys recorded then. */
export function logTailOf(reason: string | undefined): string | undefined {
  const marker = `${tailMarkers.logTail}\n`;
  const at = reason?.indexOf(marker) ?? -1;
  return at >= 0 ? reason!.slice(at + marker.length) : undefined;
}

/** The notification for a deploy's event, from its record as it stands. */
export function eventOf(record: DeployRecord, event: DeployEvent['event'], status: DeployStatus, extra: Partial<DeployEvent> = {}): DeployEvent {
  return {
    ...extra,
    event,
    kind: record.kind,
    deploymentId: record.id,
    project: record.project,
    environment: record.environment,
    image: record.image,
    digest: record.digest,
    status,
    reason: record.reason,
    failedStep: record.failedStep,
    logTail: record.logTail,
    leftToFix: record.leftToFix,
    commit: record.commit,
    ...(record.url && { url: record.url }),
    at: new Date().toISOString(),
  };
}
