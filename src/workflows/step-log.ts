import { isCancellation } from '@temporalio/workflow';
import type { StepName, StepRecord } from './types';

/** Records each step's timing and outcome; the status query reads it. */
export class StepLog {
  readonly steps: StepRecord[] = [];

  async run<T>(name: StepName, fn: () => Promise<T>): Promise<T> {
    const step: StepRecord = { name, status: 'running', startedAt: new Date().toISOString() };
    this.steps.push(step);
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
    }
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
