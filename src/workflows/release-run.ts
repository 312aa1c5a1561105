import { ApplicationFailure, CancellationScope, getExternalWorkflowHandle, isCancellation, log, patched, setCurrentDetails, setHandler, sleep, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { BerthStatus } from '../model/search-attributes';
import { Announcer } from './announcer';
import { defaultHostTimeoutMs } from './host-wait';
import { eventOf, finalEvent, gateOutcomeOf, logTailOf } from './outcome';
import { Saga } from './saga';
import { StepLog, failureDetails, failureMessage } from './step-log';
import { deployEndedSignal, statusQuery } from './definitions';
import { pointDefaultName, tellCoordinator } from './preview-steps';
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
  private readonly announcer = new Announcer(this.steps);
  /** Deploys started before per-receiver delivery keep their recorded commands. */
  private perReceiver = false;
  /** Deploys with local quick steps (see LocalSteps) promote the candidate beside the switch. */
  private readonly localSteps: boolean;

  constructor(
    readonly spec: DeploySpec,
    kind: DeployKind,
    release: string,
  ) {
    this.acts = hostActivities(spec, (message) => this.waiting(message));
    this.localSteps = this.acts.localSteps;
    this.record = {
      id: spec.deploymentId,
      kind,
      project: spec.project,
      environment: spec.environment,
      image: spec.deployedAs ?? spec.image,
      commit: spec.commit,
      requestedBy: spec.requestedBy,
      ...(spec.trigger && { trigger: spec.trigger }),
      ...(spec.preview && { url: spec.preview.url }),
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
    this.perReceiver = patched('notify-each-receiver');
    // Not awaited here: a slow receiver must not hold the deploy back.
    const started = this.announce('started').catch(() => undefined);
    let outcome: DeployStatus = 'succeeded';
    try {
      await body();
    } catch (error) {
      outcome = await CancellationScope.nonCancellable(() => this.fail(error));
    }
    return CancellationScope.nonCancellable(async () => {
      if (!this.perReceiver) {
        await started;
        return this.finishAfterNotifying(outcome);
      }
      return this.finish(outcome);
    });
  }

  /** Health gate, switch, verify through the proxy, drain, retire the others. */
  async serve(candidate: Candidate, previousUpstream: string | undefined): Promise<void> {
    const { spec, acts, steps } = this;
    this.record.upstream = candidate.upstream;
    await steps.run('health', () => acts.health(`wait until ${candidate.containerName} answers ${spec.health.readyPath ?? spec.health.path}`).waitHealthy(spec, candidate));
    const promote = () => acts.quick(`set restart policy of ${candidate.containerName}`).promoteCandidate(spec, candidate);
    if (!this.localSteps) await promote();

    this.saga.register('put the proxy route back', () => acts.undo(`put ${spec.hostname} back to ${previousUpstream ?? 'no route'}`).restoreRoute(spec, previousUpstream));
    // With local steps promotion runs beside the switch; both settle before anything (an undo included) goes on.
    const promoted = this.localSteps ? promote() : Promise.resolve();
    const switched = steps.run('switch', () => acts.quick(`switch ${spec.hostname} → ${candidate.upstream}`).switchRoute(spec, candidate.upstream)).then(() => void (this.switched = true));
    const failed = (await Promise.allSettled([switched, promoted])).find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (spec.health.monitorMs > 0) {
      await steps.run('monitor', () => acts.monitor(`verify ${spec.hostname}${spec.health.path} through the proxy for ${spec.health.monitorMs} ms`).monitorThroughProxy(spec, candidate));
    }
    // Verified: from here the new release stands, and retiring the old one is not undone.
    this.saga.commit();
    await pointDefaultName(acts, spec, candidate.upstream);

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
    // Failures carry their log tail as details; histories recorded before that carry it inside the message.
    const details = failedStep && !cancelled ? this.steps.detailsOf(failedStep) : failureDetails(error);
    this.record.logTail = details ? details.logTail : logTailOf(this.record.reason);
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
      const alerted = this.announce('compensation_failed', 'failed');
      if (!this.perReceiver) await alerted;
      return 'failed';
    }
    if (cancelled) return 'cancelled';
    if (gateOutcome) return gateOutcome;
    return this.switched ? 'rolled_back' : 'failed';
  }

  /**
   * Records the outcome (query, search attribute, Web UI details), tells the
   * owner, and only then notifies; the workflow closes once every receiver
   * has the event or gave up, so no delivery is lost.
   */
  async finish(outcome: DeployStatus): Promise<DeployRecord> {
    this.record.finishedAt = new Date().toISOString();
    this.record.status = outcome;
    upsertSearchAttributes([{ key: BerthStatus, value: outcome }]);
    upsertMemo({ finishedAt: this.record.finishedAt });
    setCurrentDetails(`Finished: **${outcome}**${this.record.reason ? ` — ${this.record.reason.split('\n')[0]}` : ''}`);
    const parent = workflowInfo().parent;
    if (parent) await getExternalWorkflowHandle(parent.workflowId).signal(deployEndedSignal, this.record).catch((error) => log.warn('owner not told', { error: String(error) }));
    await tellCoordinator(this.spec);
    await this.announce(finalEvent(outcome), outcome);
    return this.close(outcome);
  }

  /** How deploys started before per-receiver delivery end: notify, then set the status. */
  private async finishAfterNotifying(outcome: DeployStatus): Promise<DeployRecord> {
    await this.steps.run('notify', () => this.announce(finalEvent(outcome), outcome)).catch(() => undefined);
    this.record.finishedAt = new Date().toISOString();
    this.record.status = outcome;
    upsertSearchAttributes([{ key: BerthStatus, value: outcome }]);
    setCurrentDetails(`Finished: **${outcome}**${this.record.reason ? ` — ${this.record.reason.split('\n')[0]}` : ''}`);
    return this.close(outcome);
  }

  private close(outcome: DeployStatus): DeployRecord {
    if (outcome !== 'succeeded') {
      throw ApplicationFailure.nonRetryable(this.record.reason ?? outcome, `Deploy_${outcome}`, this.record);
    }
    return this.record;
  }

  /** With per-receiver delivery this never rejects; failures become lines in the events. */
  announce(event: DeployEvent['event'], status: DeployStatus = this.record.status, extra: Partial<DeployEvent> = {}): Promise<void> {
    const payload = eventOf(this.record, event, status, extra);
    if (this.perReceiver) return this.announcer.announce(payload);
    return notify(payload).catch((error) => {
      log.warn('notification failed', { event, error: String(error) });
      throw error;
    });
  }
}
