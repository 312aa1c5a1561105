import { isCancellation, setCurrentDetails } from '@temporalio/workflow';
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

  lastFailed(): StepRecord | undefined {
    return [...this.steps].reverse().find((step) => step.status === 'failed');
  }

  lastCancelled(): StepRecord | undefined {
    return [...this.steps].reverse().find((step) => step.status === 'cancelled');
  }
}

/** The human sentence inside an activity failure, not Temporal's wrapper text. */
export function failureMessage(error: unknown): string {
  let current = error as { message?: string; cause?: unknown } | undefined;
  while (current?.cause && (current as { name?: string }).name === 'ActivityFailure') {
    current = current.cause as typeof current;
  }
  return current?.message ?? String(error);
}
