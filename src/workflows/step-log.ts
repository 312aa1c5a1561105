import { ApplicationFailure, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import { failureDetailsOf, failureText, type FailureDetails } from '../model/failures';
import type { DeployEventLine, StepName, StepRecord } from '../model/types';

/** The most lines a record keeps; the oldest log lines go first. */
const maxEvents = 500;

/**
 * Records each step's timing and outcome, and an ordered event log (steps and
 * log lines, numbered) that the status query returns and the API streams.
 */
export class StepLog {
  readonly steps: StepRecord[] = [];
  readonly events: DeployEventLine[] = [];
  private nextEventId = 1;
  /** What each failed step's failure carried; kept beside the records, which the API shows as they are. */
  private readonly details = new WeakMap<StepRecord, FailureDetails>();

  async run<T>(name: StepName, fn: () => Promise<T>): Promise<T> {
    const step: StepRecord = { name, status: 'running', startedAt: new Date().toISOString() };
    this.steps.push(step);
    this.event({ type: 'step', step: name, status: 'running', message: `${name} started` });
    // What the Web UI shows as the workflow's current details.
    setCurrentDetails(`Step **${name}** is running (since ${step.startedAt}).`);
    try {
      const result = await fn();
      step.status = 'succeeded';
      return result;
    } catch (error) {
      step.status = isCancellation(error) ? 'cancelled' : 'failed';
      step.error = failureMessage(error);
      const details = failureDetails(error);
      if (details) this.details.set(step, details);
      throw error;
    } finally {
      step.finishedAt = new Date().toISOString();
      this.event({ type: 'step', step: name, status: step.status, message: step.error ? `${name} ${step.status}: ${step.error}` : `${name} ${step.status}` });
    }
  }

  /** A line of output (a container's log, a migration's output) in the deploy's event log. */
  log(step: StepName, message: string): void {
    this.event({ type: 'log', step, message });
  }

  private event(line: Omit<DeployEventLine, 'id' | 'at'>): void {
    this.events.push({ id: this.nextEventId++, at: new Date().toISOString(), ...line });
    if (this.events.length > maxEvents) this.events.splice(0, this.events.length - maxEvents);
  }

  /** The innermost step still running. */
  running(): StepRecord | undefined {
    return [...this.steps].reverse().find((step) => step.status === 'running');
  }

  /** The structured details of a failed step, when its failure carried them. */
  detailsOf(step: StepRecord): FailureDetails | undefined {
    return this.details.get(step);
  }

  lastFailed(): StepRecord | undefined {
    return [...this.steps].reverse().find((step) => step.status === 'failed');
  }

  lastCancelled(): StepRecord | undefined {
    return [...this.steps].reverse().find((step) => step.status === 'cancelled');
  }
}

/** The failure an activity threw, inside Temporal's ActivityFailure wrappers. */
function innermost(error: unknown): { message?: string; cause?: unknown } | undefined {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && (current as { name?: string }).name === 'ActivityFailure') {
    current = current.cause as typeof current;
  }
  return current;
}

/** The structured details an activity failed with; undefined for failures without them (and for histories recorded before them). */
export function failureDetails(error: unknown): FailureDetails | undefined {
  const cause = innermost(error);
  return cause instanceof ApplicationFailure ? failureDetailsOf(cause.details) : undefined;
}

/** The human sentence inside an activity failure, not Temporal's wrapper text, with the tails its details carry. */
export function failureMessage(error: unknown): string {
  const message = innermost(error)?.message ?? String(error);
  return failureText(message, failureDetails(error));
}
