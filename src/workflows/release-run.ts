import { ApplicationFailure, CancellationScope, isCancellation, log, setCurrentDetails, setHandler, sleep, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { BerthStatus } from '../model/search-attributes';
import { defaultHostTimeoutMs } from './host-wait';
import { Saga } from './saga';
import { StepLog, failureMessage } from './step-log';
import { statusQuery } from './definitions';
import { hostActivities, notify, type HostActs } from './workflow-activities';
import type { Candidate, DeployKind, DeployRecord, DeploySpec, DeployStatus } from '../model/types';
import type { DeployEvent } from '../model/event-types';

/**
 * The state of one deploy or rollback: its record (what the status query
 * returns), its step log and its compensation list. Both workflows drive a
 * candidate to serving through the same steps.
 */
export class ReleaseRun {
  readonly steps = new StepLog();
  readonly saga = new Saga();
  readonly acts: HostActs;
  readonly record: DeployRecord;
  private switched = false;

  constructor(
    readonly spec: DeploySpec,
    kind: DeployKind,
    release: string,
  ) {
    this.acts = hostActivities(spec, (message) => this.waiting(message));
    this.record = {
      id: spec.deploymentId,
      kind,
      project: spec.project,
      environment: spec.environment,
      image: spec.image,
      commit: spec.commit,
      requestedBy: spec.requestedBy,
      ...(spec.trigger && { trigger: spec.trigger }),
      status: 'running',
      release,
      createdAt: new Date().toISOString(),
      steps: this.steps.steps,
      events: this.steps.events,
    };
    setHandler(statusQuery, () => this.record);
    upsertSearchAttributes([{ key: BerthStatus, value: 'running' }]);
  }

  /** A step sits in the host's queue with no worker to take it: the record and the Web UI say so. */
  private waiting(message: string | undefined): void {
    if (message === this.record.waitingFor) return;
    const step = this.steps.running();
    if (message === undefined) {
      delete this.record.waitingFor;
      setCurrentDetails(step ? `Step **${step.name}** is running.` : '');
      return;
    }
    this.record.waitingFor = message;
    this.steps.log(step?.name ?? 'pull', message);
    setCurrentDetails(`Step **${step?.name ?? 'start-up'}** is ${message}; it fails after ${Math.round((this.spec.hostTimeoutMs ?? defaultHostTimeoutMs) / 1000)}s (hostTimeout).`);
  }

  /** The digest is what history and rollback need; the memo keeps it visible without a query. */
  pinned(digest: string): void {
    this.record.digest = digest;
    upsertMemo({ digest });
  }

  /**
   * Runs the body as one saga: announces the start, compensates on failure or
   * cancel (shielded from cancellation), and finishes with the outcome.
   */
  async execute(body: () => Promise<void>): Promise<DeployRecord> {
    // Not awaited here: a slow receiver must not hold the deploy back.
    const started = this.announce('started').catch(() => undefined);
    let outcome: DeployStatus = 'succeeded';
    try {
      await body();
    } catch (error) {
      outcome = await CancellationScope.nonCancellable(() => this.fail(error));
    }
    return CancellationScope.nonCancellable(async () => {
      await started;
      return this.finish(outcome);
    });
  }

  /** Health gate, switch, verify through the proxy, drain, retire the others. */
  async serve(candidate: Candidate, previousUpstream: string | undefined): Promise<void> {
    const { spec, acts, steps } = this;
    this.record.upstream = candidate.upstream;
    await steps.run('health', () => acts.health(`wait until ${candidate.containerName} answers ${spec.health.path}`).waitHealthy(spec, candidate));
    await acts.quick(`set restart policy of ${candidate.containerName}`).promoteCandidate(spec, candidate);

    this.saga.register('put the proxy route back', () => acts.undo(`put ${spec.hostname} back to ${previousUpstream ?? 'no route'}`).restoreRoute(spec, previousUpstream));
    await steps.run('switch', () => acts.quick(`switch ${spec.hostname} → ${candidate.upstream}`).switchRoute(spec, candidate.upstream));
    this.switched = true;
    if (spec.health.monitorMs > 0) {
      await steps.run('monitor', () => acts.monitor(`verify ${spec.hostname}${spec.health.path} through the proxy for ${spec.health.monitorMs} ms`).monitorThroughProxy(spec, candidate));
    }
    // Verified: from here the new release stands, and retiring the old one is not undone.
    this.saga.commit();

    // A cancel that arrives now is too late to undo a verified release.
    await CancellationScope.nonCancellable(async () => {
      await steps.run('drain', () => sleep(spec.drainMs));
      await steps
        .run('retire', async () => {
          const retired = await acts.retire('stop the previous release, prune beyond keep').retireReleases(spec, this.record.release);
          this.record.previousRelease = retired.stopped[0];
        })
        .catch((error) => log.warn('retiring previous releases failed; the new release serves', { error: String(error) }));
    });
  }

  /**
   * Compensates after a failure or cancel and decides the outcome: a failure
   * after traffic moved is `rolled_back`, before it `failed`.
   */
  async fail(error: unknown): Promise<DeployStatus> {
    const cancelled = isCancellation(error);
    const gateOutcome = gateOutcomeOf(error);
    const failedStep = this.steps.lastFailed();
    this.record.failedStep = cancelled ? undefined : failedStep?.name;
    this.record.reason = cancelled ? `cancelled during ${this.steps.lastCancelled()?.name ?? 'start-up'}` : failedStep?.error ?? failureMessage(error);
    this.record.logTail = logTailOf(this.record.reason);
    for (const line of this.record.logTail?.split('\n').filter(Boolean) ?? []) this.steps.log(failedStep?.name ?? 'compensation', line);
    let leftToFix: string[] = [];
    await this.steps
      .run('compensation', async () => {
        leftToFix = await this.saga.compensate();
        if (leftToFix.length > 0) throw ApplicationFailure.nonRetryable(`undo failed: ${leftToFix.join('; ')}`);
      })
      .catch(() => undefined);
    if (leftToFix.length > 0) {
      this.record.leftToFix = leftToFix;
      await this.announce('compensation_failed', 'failed');
      return 'failed';
    }
    if (cancelled) return 'cancelled';
    if (gateOutcome) return gateOutcome;
    return this.switched ? 'rolled_back' : 'failed';
  }

  /** Sets the final status after notifying, so readers never see a final status early. */
  async finish(outcome: DeployStatus): Promise<DeployRecord> {
    const named = ['succeeded', 'rolled_back', 'cancelled', 'rejected', 'expired'] as const;
    const event = (named as readonly string[]).includes(outcome) ? (outcome as (typeof named)[number]) : 'failed';
    await this.steps.run('notify', () => this.announce(event, outcome)).catch(() => undefined);
    this.record.finishedAt = new Date().toISOString();
    this.record.status = outcome;
    upsertSearchAttributes([{ key: BerthStatus, value: outcome }]);
    setCurrentDetails(`Finished: **${outcome}**${this.record.reason ? ` — ${this.record.reason.split('\n')[0]}` : ''}`);
    if (outcome !== 'succeeded') {
      throw ApplicationFailure.nonRetryable(this.record.reason ?? outcome, `Deploy_${outcome}`, this.record);
    }
    return this.record;
  }

  announce(event: DeployEvent['event'], status: DeployStatus = this.record.status, extra: Partial<DeployEvent> = {}): Promise<void> {
    const { record } = this;
    return notify({
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
      at: new Date().toISOString(),
    }).catch((error) => {
      log.warn('notification failed', { event, error: String(error) });
      throw error;
    });
  }
}

/** A person said no, or nobody answered in time: not a failure of the release. */
function gateOutcomeOf(error: unknown): 'rejected' | 'expired' | undefined {
  if (!(error instanceof ApplicationFailure)) return undefined;
  if (error.type === 'Rejected') return 'rejected';
  if (error.type === 'Expired') return 'expired';
  return undefined;
}

function logTailOf(reason: string | undefined): string | undefined {
  const marker = '--- container log (tail) ---\n';
  const at = reason?.indexOf(marker) ?? -1;
  return at >= 0 ? reason!.slice(at + marker.length) : undefined;
}
